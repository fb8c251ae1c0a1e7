"""Walk the given commits with PyDriller as its users do; print timings as JSON.

Run in ``.venv-bench``: ``python pydriller_walk.py REPO SHAS_FILE WORKERS``. For every
commit, every modified file's ``added_lines``, ``deleted_lines`` and, for files in a
language lizard reads, ``complexity`` and ``nloc`` (PyDriller runs lizard on the new
source). PyDriller reports no files for merge commits, so it does less work than a
first-parent miner that diffs merges against their first parent.
"""

from __future__ import annotations

import json
import sys
import time

from pydriller import Repository


def main() -> None:
    repo, shas_file, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(shas_file, encoding="ascii") as handle:
        shas = handle.read().split()
    started = time.perf_counter()
    commits = files = added = deleted = complexity = measured = 0
    walk = Repository(repo, only_commits=shas, num_workers=workers)
    for commit in walk.traverse_commits():
        commits += 1
        for modified in commit.modified_files:
            files += 1
            added += modified.added_lines
            deleted += modified.deleted_lines
            if modified.complexity is not None:
                measured += 1
                complexity += modified.complexity
                _ = modified.nloc
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "commits": commits,
                "files": files,
                "measured_files": measured,
                "lines_added": added,
                "lines_deleted": deleted,
                "complexity_sum": complexity,
            }
        )
    )


if __name__ == "__main__":
    main()
