"""The store's commits, indexed for linking: by SHA prefix, by pull-request number, by time."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

#: Fewer hex digits than git's default abbreviation name a commit too loosely to trust.
MIN_SHA_PREFIX = 7


@dataclasses.dataclass(frozen=True)
class StoredCommit:
    """What linking needs of a stored commit; ``parent`` is its first parent."""

    repo_id: str
    sha: str
    parent: str | None
    committed_at: dt.datetime
    message: str
    is_merge: bool = False

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclasses.dataclass(frozen=True)
class Resolution:
    """The commits a reference names, or why it names none (``problem``)."""

    commits: tuple[StoredCommit, ...]
    problem: str | None = None


class CommitIndex:
    """Every stored commit, found by SHA or unique prefix, or by the pull request it landed."""

    def __init__(
        self,
        commits: Iterable[StoredCommit],
        *,
        repo_names: dict[str, str] | None = None,
        pull_request_patterns: Sequence[re.Pattern[str]] = (),
    ) -> None:
        self._by_key: dict[tuple[str, str], StoredCommit] = {}
        for commit in commits:
            self._by_key[(commit.repo_id, commit.sha)] = commit
        self._sorted = sorted((sha, repo) for repo, sha in self._by_key)
        self._shas = [sha for sha, _ in self._sorted]
        self.repo_names = repo_names or {}
        self._pull_request_patterns = tuple(pull_request_patterns)
        self._pull_requests: dict[int, list[StoredCommit]] | None = None

    def __iter__(self) -> Iterator[StoredCommit]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, repo_id: str, sha: str) -> StoredCommit | None:
        return self._by_key.get((repo_id, sha))

    def resolve_sha(self, text: str) -> Resolution:
        """The commit(s) whose SHA is or starts with ``text``.

        The same commit in several repositories (a fork, a mirror) is one commit and
        resolves to all of its copies; two different commits sharing the prefix are
        ambiguous and resolve to none.
        """
        prefix = text.lower()
        if len(prefix) < MIN_SHA_PREFIX:
            return Resolution(
                (),
                f"{text!r} is too short to name a commit safely "
                f"(give at least {MIN_SHA_PREFIX} hex digits)",
            )
        start = bisect.bisect_left(self._shas, prefix)
        matches = []
        for sha, repo in self._sorted[start:]:
            if not sha.startswith(prefix):
                break
            matches.append(self._by_key[(repo, sha)])
        distinct = sorted({c.sha for c in matches})
        if not matches:
            return Resolution((), f"no stored commit has SHA {text!r} (is its repository mined?)")
        if len(distinct) > 1:
            shown = ", ".join(sha[:12] for sha in distinct[:5])
            return Resolution(
                (),
                f"{text!r} is ambiguous: it starts {len(distinct)} commits "
                f"({shown}); give more digits",
            )
        return Resolution(tuple(matches))

    def resolve_pull_request(self, number: int, repo_name: str | None = None) -> Resolution:
        """The commit that landed pull request ``number`` (a merge or ``(#n)`` squash)."""
        found = self._pull_request_index().get(number, [])
        if repo_name is not None:
            named = [c for c in found if self.repo_names.get(c.repo_id, "").lower() == repo_name]
            found = named or found
        if not found:
            return Resolution((), f"no stored commit landed pull request #{number}")
        if len({c.sha for c in found}) > 1:
            repos = {c.repo_id for c in found}
            if len(repos) == len(found):
                names = ", ".join(sorted(self.repo_names.get(r, r) for r in repos))
                return Resolution(
                    (),
                    f"pull request #{number} exists in several repositories ({names}); "
                    "give its URL",
                )
            return Resolution(
                (), f"pull request #{number} matches {len(found)} commits; name the commit instead"
            )
        return Resolution(tuple(found))

    def _pull_request_index(self) -> dict[int, list[StoredCommit]]:
        if self._pull_requests is None:
            index: dict[int, list[StoredCommit]] = defaultdict(list)
            for commit in self._by_key.values():
                for pattern in self._pull_request_patterns:
                    match = pattern.search(commit.message)
                    if match:
                        index[int(match["number"])].append(commit)
                        break
            self._pull_requests = dict(index)
        return self._pull_requests
