"""SZZ on real truth: the developer-informed oracle of Rosa et al. (ICSE 2021).

Each fix of the oracle (``json-input-raw/bugfix_commits_all.json`` of the public
replication package ``grosa1/icse2021-szz-replication-package``) whose repository was
fetched becomes an incident naming its fix commit and nothing else, dated at that commit's
author date. Never the oracle's ``best_scenario_issue_date``: it is the bug commit's date
plus 60 seconds and gives the answer away. Nor the fix's message: nearly every one names
its inducing commit (that is how the oracle was collected), and SZZ reads a fix's message
only for a revert's standard line. The repositories are mined (full history, every commit
reachable from HEAD; blob metrics are switched off with ``max_blob_bytes = 0``: linking
reads none), the incidents imported and linked with each SZZ variant through
``link_incidents``, and the ``inducing`` links scored against the developers' answer:
precision, recall and F1 per variant, next to PySZZ's published figures (and PySZZ's own
output on the same fixes, when the replication package's ``json-output-raw`` is given).

The oracle is split by project before anything is measured: a project whose name (the part
after the owner, lower case) has a SHA-256 whose first byte is a multiple of 3 is held out
(forks share a name, so they fall on the same side). Develop on ``dev``; look at
``held-out`` once, at the end.

Settings (environment variables):

- ``SZZ_ORACLE_FILE``: the oracle file (``bugfix_commits_all.json``). Required.
- ``SZZ_ORACLE_REPOS``: the fetched repositories, ``<owner>+<name>/repo`` each (a bare
  repository, or a clone's work tree). Required. The fetch tool leaves them so; or
  ``git clone --bare https://github.com/<owner>/<name> "$SZZ_ORACLE_REPOS/<owner>+<name>/repo"``.
  Measured here on every fix whose files are all Python (205 fixes, 185 repositories:
  the oracle's Python repositories but the large ones: linux, odoo, edx-platform, nova,
  salt, zulip, edk2, gem5, ardupilot, sage, matplotlib, sphinx, and a few more).
- ``SZZ_ORACLE_WORK``: where the mined stores are kept between runs (default: this run's
  scratch directory, so every run mines afresh).
- ``SZZ_ORACLE_PART``: ``dev`` (default), ``held-out`` or ``both``.
- ``SZZ_ORACLE_LANGUAGES``: the fixes kept, by the oracle's ``language`` (default ``py``:
  fixes touching only Python files; ``all`` keeps every fix).
- ``SZZ_ORACLE_VARIANTS``: comma list of variants (default: every one).
- ``SZZ_ORACLE_PYSZZ``: the unpacked ``json-output-raw/json-output.zip``, to score PySZZ's
  own answers on the same fixes (optional).

A fix whose commit is not on the history of its snapshot's HEAD cannot be found by mining
HEAD, nor one whose repository could not be mined: each is left out, and counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from analyzer.config import Config, MiningConfig
from analyzer.errors import JevonsError
from analyzer.incidents import import_incidents
from analyzer.linking import SZZ_VARIANTS, link_incidents
from analyzer.linking.accuracy import IncidentScore, LinkingAccuracy, inducing_links
from analyzer.mining import mine_repositories
from analyzer.store import open_store
from benchmarks.context import BenchContext

#: PySZZ on the whole oracle (1,115 fixes), and R-SZZ on the subset of issue 19.
PUBLISHED = {
    "R-SZZ (issue 19's subset)": (0.712, 0.698, 0.705),
    "B-SZZ": (None, None, 0.607),
    "AG-SZZ": (None, None, 0.579),
    "MA-SZZ": (None, None, 0.566),
    "L-SZZ": (None, None, 0.552),
}
PYSZZ_OUTPUTS = {"B-SZZ": "b", "AG-SZZ": "ag", "MA-SZZ": "ma", "L-SZZ": "l", "R-SZZ": "r"}
TARGET_P = TARGET_F1 = 0.75
PARTS = ("dev", "held-out")


@dataclasses.dataclass(frozen=True)
class OracleFix:
    """One fix of the oracle and the commits its developers said induced the bug."""

    oracle_id: int
    repo_name: str
    fix: str
    bugs: frozenset[str]

    @property
    def incident_id(self) -> str:
        return f"oracle-{self.oracle_id}"

    @property
    def part(self) -> str:
        return part_of(self.repo_name)


def part_of(repo_name: str) -> str:
    """``dev`` or ``held-out``, by the project's name (forks share it)."""
    project = repo_name.rsplit("/", 1)[-1].lower().encode()
    return "held-out" if hashlib.sha256(project).digest()[0] % 3 == 0 else "dev"


def load_oracle(path: Path, languages: str) -> list[OracleFix]:
    wanted = None if languages == "all" else set(languages.split(","))
    fixes = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        if wanted is not None and not set(entry["language"]) <= wanted:
            continue
        fixes.append(
            OracleFix(
                oracle_id=int(entry["id"]),
                repo_name=entry["repo_name"],
                fix=entry["fix_commit_hash"],
                bugs=frozenset(entry["bug_commit_hash"]),
            )
        )
    return fixes


def snapshot(root: Path, repo_name: str) -> Path | None:
    """The fetched repository's git directory (or work tree), if there is one."""
    base = root / repo_name.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=False
    )


def _usable(
    fixes: Iterable[OracleFix], root: Path
) -> tuple[list[tuple[OracleFix, Path]], Counter[str]]:
    usable, left_out = [], Counter[str]()
    for fix in fixes:
        repo = snapshot(root, fix.repo_name)
        if repo is None:
            left_out["repository not fetched"] += 1
        elif _git(repo, "merge-base", "--is-ancestor", fix.fix, "HEAD").returncode != 0:
            left_out["fix not on the history of the snapshot's HEAD"] += 1
        else:
            usable.append((fix, repo))
    return usable, left_out


def _incident(fix: OracleFix, repo: Path) -> dict[str, Any]:
    authored = _git(repo, "show", "-s", "--format=%aI", fix.fix).stdout.strip()
    return {
        "id": fix.incident_id,
        "title": f"{fix.repo_name} fix {fix.fix[:10]}",
        "created_at": authored,
        "fix_commits": [fix.fix],
    }


def _prepare(
    part: str, usable: Sequence[tuple[OracleFix, Path]], work: Path, workers: int
) -> tuple[Path, list[OracleFix]]:
    """Mine the part's repositories and import the incidents of the fixes they hold: the
    store's path and those fixes."""
    db = work / f"szz-oracle-{part}.duckdb"
    repos = sorted({str(repo) for _, repo in usable})
    config = Config(mining=MiningConfig(history="full", max_blob_bytes=0, metrics="lizard"))
    started = time.perf_counter()
    try:
        mine_repositories(repos, db=db, workers=workers, config=config, dask=False)
    except JevonsError as exc:  # the others are mined; their fixes are still measured
        print(f"  mining: {str(exc).splitlines()[0]}", flush=True)
    stored = {sha for (sha,) in open_store(db).query("SELECT sha FROM commits")}
    mined = [(fix, repo) for fix, repo in usable if fix.fix in stored]
    if len(mined) < len(usable):
        print(f"  {part}: {len(usable) - len(mined)} fix(es) left out: repository not mined")
    incidents = work / f"szz-oracle-{part}-incidents.json"
    incidents.write_text(
        json.dumps({"incidents": [_incident(fix, repo) for fix, repo in mined]}),
        encoding="utf-8",
    )
    import_incidents([incidents], db=db, config=config)
    print(
        f"  {part}: {len(repos)} repositories, {len(mined)} incidents imported "
        f"in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    return db, [fix for fix, _ in mined]


def _score(db: Path, fixes: Sequence[OracleFix]) -> LinkingAccuracy:
    linked = inducing_links(open_store(db))
    return LinkingAccuracy(
        tuple(
            IncidentScore(
                incident_id=fix.incident_id,
                cause="",
                truth=fix.bugs,
                linked=linked.get(f"generic:{fix.incident_id}", frozenset()),
            )
            for fix in fixes
        )
    )


def _row(label: str, p: float | None, r: float | None, f1: float, counts: str = "") -> str:
    def cell(value: float | None) -> str:
        return f"{value:6.3f}" if value is not None else f"{'':>6}"

    return f"{label:<44} {cell(p)} {cell(r)} {cell(f1)}  {counts}"


def _accuracy_row(label: str, a: LinkingAccuracy) -> str:
    counts = f"{a.true_positives:4d} {a.false_positives:4d} {a.false_negatives:4d}"
    return _row(label, a.precision, a.recall, a.f1, counts)


def _pyszz_rows(directory: Path, fixes: Sequence[OracleFix]) -> list[str]:
    by_id = {fix.oracle_id: fix for fix in fixes}
    rows = []
    for title, key in PYSZZ_OUTPUTS.items():
        answers = json.loads((directory / f"bic_{key}_bugfix_commits_all.json").read_text())
        scores = [
            IncidentScore(
                str(entry["id"]),
                "",
                by_id[entry["id"]].bugs,
                frozenset(entry.get("inducing_commit_hash") or ()),
            )
            for entry in answers
            if entry["id"] in by_id
        ]
        rows.append(_accuracy_row(f"PySZZ {title}, same fixes", LinkingAccuracy(tuple(scores))))
    return rows


def _measure(part: str, db: Path, fixes: Sequence[OracleFix], variants: Sequence[str]) -> None:
    print(f"\n{part}: {len(fixes)} fixes, {sum(len(f.bugs) for f in fixes)} inducing commits")
    print(f"{'':<44} {'P':>6} {'R':>6} {'F1':>6}  {'TP':>4} {'FP':>4} {'FN':>4}")
    best: tuple[float, str] | None = None
    for variant in variants:
        started = time.perf_counter()
        link_incidents(db, szz_variant=variant, config=Config())
        accuracy = _score(db, fixes)
        seconds = time.perf_counter() - started
        title = f"Jevons {SZZ_VARIANTS[variant].title} ({seconds:.0f}s)"
        print(_accuracy_row(title, accuracy), flush=True)
        if accuracy.precision >= TARGET_P and (best is None or accuracy.f1 > best[0]):
            best = (accuracy.f1, variant)
    pyszz = os.environ.get("SZZ_ORACLE_PYSZZ")
    if pyszz:
        print("\n".join(_pyszz_rows(Path(pyszz), fixes)))
    for title, (p, r, f1) in PUBLISHED.items():
        print(_row(f"published PySZZ {title}", p, r, f1))
    if best is None:
        print(f"no variant reaches precision >= {TARGET_P}")
    else:
        met = "met" if best[0] >= TARGET_F1 else "MISSED"
        print(
            f"best F1 at precision >= {TARGET_P}: {SZZ_VARIANTS[best[1]].title}, "
            f"F1 {best[0]:.3f} (target {TARGET_F1}: {met})"
        )


def run(context: BenchContext) -> None:
    if not (os.environ.get("SZZ_ORACLE_FILE") and os.environ.get("SZZ_ORACLE_REPOS")):
        print("skipped: set SZZ_ORACLE_FILE and SZZ_ORACLE_REPOS (see this module's docstring)")
        return
    oracle = Path(os.environ["SZZ_ORACLE_FILE"])
    root = Path(os.environ["SZZ_ORACLE_REPOS"])
    work = Path(os.environ.get("SZZ_ORACLE_WORK") or context.scratch)
    work.mkdir(parents=True, exist_ok=True)
    chosen = os.environ.get("SZZ_ORACLE_PART", "dev")
    parts = PARTS if chosen == "both" else (chosen,)
    if not set(parts) <= set(PARTS):
        raise SystemExit(f"SZZ_ORACLE_PART must be dev, held-out or both, not {chosen!r}")
    wanted = os.environ.get("SZZ_ORACLE_VARIANTS")
    variants = wanted.split(",") if wanted else list(SZZ_VARIANTS)
    fixes = load_oracle(oracle, os.environ.get("SZZ_ORACLE_LANGUAGES", "py"))
    for part in parts:
        usable, left_out = _usable((f for f in fixes if f.part == part), root)
        for reason, count in left_out.items():
            print(f"  {part}: {count} fix(es) left out: {reason}")
        db, measured = _prepare(part, usable, work, context.workers)
        _measure(part, db, measured, variants)
