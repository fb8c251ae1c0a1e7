"""Generate a scenario's repository, incident exports, ownership file and ground truth.

``generate_scenario`` is idempotent: an output whose fingerprint (scenario definition,
seed and generator source) matches is reused as is; anything else is rebuilt in a
temporary directory and swapped in whole, under a lock, so parallel test workers and a
concurrent ``jevons demo`` never see half a scenario.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import random
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sample_repos.build import BuildResult, build_repository
from sample_repos.fastimport import git_env, run_git
from sample_repos.history import Plan, plan_history
from sample_repos.incidents import EXPORT_FILES, Links, render_exports
from sample_repos.scaffold import OWNERSHIP_FILE, ownership
from sample_repos.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from sample_repos.telemetry import TEAMS_FILE, TELEMETRY_FILES, render_telemetry
from sample_repos.truth import commit_entries, incident_entries, truth_document

PACKAGE_DIR = Path(__file__).parent
OUT_ENV = "JEVONS_SAMPLES_DIR"
TRUTH_FILE = "truth.json"
_STAMP = ".fingerprint"


@dataclasses.dataclass(frozen=True)
class ScenarioPaths:
    """Where a generated scenario's parts are."""

    name: str
    root: Path
    repo: Path
    exports: Mapping[str, Path]
    ownership: Path
    truth: Path
    telemetry: Mapping[str, Path] = dataclasses.field(default_factory=dict)
    teams: Path | None = None

    @property
    def usage_files(self) -> list[Path]:
        """The AI tools' usage exports (``jevons usage import``); with ``teams``, the
        ``[usage] teams`` configuration that groups their people."""
        return list(self.telemetry.values())

    @property
    def pagerduty(self) -> Path:
        return self.exports["pagerduty"]

    @property
    def incident_io(self) -> Path:
        return self.exports["incidentio"]

    @property
    def csv(self) -> Path:
        return self.exports["csv"]

    @property
    def incident_files(self) -> list[Path]:
        """All exports; together they hold every incident exactly once."""
        return list(self.exports.values())

    def load_truth(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.truth.read_text(encoding="utf-8"))
        return data


def scenario_paths(name: str, root: Path) -> ScenarioPaths:
    return ScenarioPaths(
        name=name,
        root=root,
        repo=root / "repo",
        exports={source: root / path for source, path in EXPORT_FILES.items()},
        ownership=root / OWNERSHIP_FILE,
        truth=root / TRUTH_FILE,
        telemetry={tool: root / path for tool, path in TELEMETRY_FILES.items()},
        teams=root / TEAMS_FILE,
    )


def default_out_dir() -> Path:
    """``$JEVONS_SAMPLES_DIR``, else ``sample_repos/generated`` beside the package (a source
    checkout), else the user's cache directory (an installed, read-only package)."""
    if os.environ.get(OUT_ENV):
        return Path(os.environ[OUT_ENV])
    if os.access(PACKAGE_DIR, os.W_OK):
        return PACKAGE_DIR / "generated"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "jevons" / "sample_repos"


def fingerprint(scenario: Scenario) -> str:
    """Changes whenever the definition, the seed or the generator's own code changes."""
    digest = hashlib.sha256(scenario.fingerprint().encode())
    for source in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()


def generate_scenario(
    name: str = DEFAULT_SCENARIO,
    out_dir: Path | str | None = None,
    *,
    seed: int | None = None,
    force: bool = False,
) -> ScenarioPaths:
    """Build scenario ``name`` under ``out_dir/<name>/`` (default: :func:`default_out_dir`),
    or reuse it if it is up to date; ``seed`` overrides the scenario's own."""
    scenario = load_scenario(name, seed=seed)
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out.mkdir(parents=True, exist_ok=True)
    root = out / scenario.name
    stamp = fingerprint(scenario)
    with _locked(out / f".{scenario.name}.lock"):
        if force or not _up_to_date(root, stamp):
            scratch = out / f".{scenario.name}.building-{os.getpid()}"
            shutil.rmtree(scratch, ignore_errors=True)
            try:
                _generate_into(scenario, scratch, stamp)
                shutil.rmtree(root, ignore_errors=True)
                scratch.rename(root)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    return scenario_paths(scenario.name, root)


def is_up_to_date(name: str, out_dir: Path | str | None = None, *, seed: int | None = None) -> bool:
    scenario = load_scenario(name, seed=seed)
    root = (Path(out_dir) if out_dir is not None else default_out_dir()) / scenario.name
    return _up_to_date(root, fingerprint(scenario))


def _up_to_date(root: Path, stamp: str) -> bool:
    marker = root / _STAMP
    return (
        marker.is_file()
        and marker.read_text().strip() == stamp
        and (root / "repo" / ".git").is_dir()
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _generate_into(scenario: Scenario, root: Path, stamp: str) -> None:
    repo = root / "repo"
    repo.mkdir(parents=True)
    env = git_env(root)
    run_git(repo, "init", "-q", "-b", "main", env=env)
    plan = plan_history(scenario, random.Random(scenario.seed))
    result = build_repository(scenario, plan, repo, env, random.Random(f"{scenario.seed}:build"))
    _finish_repository(repo, env)
    stats = _line_counts(repo, env)
    links = _explicit_links(plan, result, scenario.seed)
    texts, seen = render_exports(plan.incidents, links, scenario.seed)
    for relative, text in texts.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / OWNERSHIP_FILE).write_text(ownership(), encoding="utf-8")
    commits = commit_entries(result, stats)
    incidents = incident_entries(plan, result, seen, links)
    truth = truth_document(
        scenario, stamp, commits, incidents, result.snapshots, _demo_targets(scenario, commits)
    )
    truth["repository"]["head"] = run_git(repo, "rev-parse", "HEAD", env=env).strip()
    for relative, text in render_telemetry(scenario, commits).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    truth["telemetry"] = _telemetry_truth(scenario)
    (root / TRUTH_FILE).write_text(
        json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (root / _STAMP).write_text(stamp + "\n")


def _telemetry_truth(scenario: Scenario) -> dict[str, Any]:
    settings = scenario.telemetry
    return {
        "files": dict(TELEMETRY_FILES),
        "teams_file": TEAMS_FILE,
        "accepted_per_committed_line": settings.accepted_per_committed_line,
        "trailers_off": (
            {"team": settings.trailers_off_team, "from": settings.trailers_off_from.isoformat()}
            if settings.trailers_off_team is not None and settings.trailers_off_from is not None
            else None
        ),
    }


def _finish_repository(repo: Path, env: dict[str, str]) -> None:
    """Drop the merged feature branches and check ``main`` out."""
    refs = run_git(repo, "for-each-ref", "--format=%(refname)", "refs/heads/", env=env).split()
    deletions = "".join(f"delete {ref}\n" for ref in refs if ref != "refs/heads/main")
    if deletions:
        run_git(repo, "update-ref", "--stdin", env=env, stdin=deletions.encode())
    run_git(repo, "reset", "-q", "--hard", "main", env=env)


def _line_counts(repo: Path, env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """``git diff --numstat`` totals of every non-merge commit, from one ``git log``."""
    out = run_git(repo, "log", "main", "--no-merges", "-M", "--numstat", "--format=%x00%H", env=env)
    stats: dict[str, tuple[int, int]] = {}
    for chunk in out.split("\0")[1:]:
        sha, *lines = chunk.strip("\n").split("\n")
        added = deleted = 0
        for line in lines:
            parts = line.split("\t")
            if len(parts) == 3 and parts[0].isdigit():
                added, deleted = added + int(parts[0]), deleted + int(parts[1])
        stats[sha] = (added, deleted)
    return stats


def _explicit_links(plan: Plan, result: BuildResult, seed: int) -> dict[int, Links]:
    """The commits that CSV records name (some full SHAs, some abbreviated as people paste)."""
    rng = random.Random(f"{seed}:links")

    def shown(sha: str) -> str:
        return sha if rng.random() < 0.5 else sha[:12]

    links: dict[int, Links] = {}
    for incident in plan.incidents:
        if not incident.link.startswith("explicit") or incident.fault is None:
            continue
        site = result.sites[incident.fault.fid]
        cause = (
            (shown(result.shas[site.mark]),)
            if incident.link in ("explicit_both", "explicit_cause")
            else ()
        )
        fix: tuple[str, ...] = ()
        if incident.link in ("explicit_both", "explicit_fix") and site.fix_mark is not None:
            fix = (shown(result.shas[site.fix_mark]),)
        links[incident.key] = Links(cause, fix)
    return links


def _demo_targets(scenario: Scenario, commits: list[dict[str, Any]]) -> dict[str, Any]:
    """A recent merged pull request for ``jevons report pr`` and a quarter for the review."""
    merges = [c for c in commits if len(c["parents"]) == 2]
    pull = merges[-1] if merges else None
    end = scenario.end_at.date()
    quarter_start_month = ((end.month - 1) // 3) * 3 + 1
    this_quarter = dt.date(end.year, quarter_start_month, 1)
    last_end = this_quarter - dt.timedelta(days=1)
    last_start = dt.date(last_end.year, ((last_end.month - 1) // 3) * 3 + 1, 1)
    return {
        "pull_request": (
            {
                "base": pull["parents"][0],
                "head": pull["parents"][1],
                "merge": pull["sha"],
                "title": pull["subject"],
            }
            if pull
            else None
        ),
        "review_quarter": {"from": last_start.isoformat(), "to": last_end.isoformat()},
    }
