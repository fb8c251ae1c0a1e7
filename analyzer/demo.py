"""``jevons demo``: the whole pipeline on a bundled sample scenario.

The steps are a table (:data:`STEPS`): each names the part of Jevons it exercises, the
library function(s) that implement it (found by import, so a part that has not landed yet
is reported as "not built yet" instead of breaking the demo), the steps it needs, and a
small adapter that calls the function with the command line's argument names. A step
whose inputs, code and outputs are unchanged since its last successful run is reused.
No step can crash the demo: a failure is reported in one line and the rest go on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import inspect
import json
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from analyzer.errors import NotBuiltYetError

STATE_FILE = ".demo-state.json"
REUSED = "reused: "  # an adapter's detail starting so means its part reused its own output
DETAIL_LIMIT = 240
STORE_FILE = "jevons.duckdb"
ANALYSIS_FILE = "analysis.json"
PR_REPORT_FILE = "pr-report.md"
REVIEW_FILE = "quarterly-review.html"

#: Where the dashboard launcher may live; the first that imports is used.
DASHBOARD_TARGETS = ("analyzer.dashboard_launch:launch_dashboard",)


@dataclasses.dataclass
class DemoContext:
    """What the steps share: where things go, and what earlier steps produced."""

    scenario: str
    out: Path
    paths: Any = None  # sample_repos.ScenarioPaths once the sample step ran
    truth: dict[str, Any] = dataclasses.field(default_factory=dict)
    verdict: str | None = None

    @property
    def db(self) -> Path:
        return self.out / STORE_FILE


@dataclasses.dataclass(frozen=True)
class DemoStep:
    """One stage of the pipeline, as data."""

    part: str
    targets: tuple[str, ...]  # "module:function" candidates, first importable wins
    run: Callable[[Callable[..., Any], DemoContext], str]  # returns a one-line outcome
    needs: tuple[str, ...] = ()  # steps that must have succeeded first
    outputs: tuple[str, ...] = ()  # files under ``out`` that must exist to reuse the step


@dataclasses.dataclass(frozen=True)
class StepOutcome:
    part: str
    status: str  # done | reused | not built | skipped | failed
    detail: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("done", "reused")


@dataclasses.dataclass(frozen=True)
class DemoResult:
    context: DemoContext
    outcomes: tuple[StepOutcome, ...]

    def where(self) -> list[tuple[str, Path]]:
        """The places a reader will want to open, those that exist."""
        ctx = self.context
        places: list[tuple[str, Path]] = []
        if ctx.paths is not None:
            places += [
                ("sample repository", ctx.paths.repo),
                ("incident exports", ctx.paths.pagerduty.parent),
                ("ownership file", ctx.paths.ownership),
                ("ground truth", ctx.paths.truth),
            ]
        places += [
            ("store", ctx.db),
            ("analysis (JSON)", ctx.out / ANALYSIS_FILE),
            ("PR report", ctx.out / PR_REPORT_FILE),
            ("quarterly review", ctx.out / REVIEW_FILE),
        ]
        return [(label, path) for label, path in places if path.exists()]


# --- adapters: call a part with the CLI's argument names, describe what it did ----------


def call_with(function: Callable[..., Any], **available: Any) -> Any:
    """Call ``function`` with those of ``available`` it accepts, by name."""
    parameters = inspect.signature(function).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    arguments = {k: v for k, v in available.items() if takes_any or k in parameters}
    missing = [
        name
        for name, p in parameters.items()
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        and name not in arguments
    ]
    if missing:
        raise TypeError(f"{function.__qualname__} needs {', '.join(missing)}, which the demo lacks")
    return function(**arguments)


def _lines(result: Any) -> list[str]:
    """A result's own one-line descriptions, whatever shape the part returns."""
    if result is None:
        return []
    if isinstance(result, list | tuple):
        return [line for item in result for line in _lines(item)]
    for name in ("lines", "line"):
        value = getattr(result, name, None)
        if callable(value):
            value = value()
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
    return []


def _generate(function: Callable[..., Any], ctx: DemoContext) -> str:
    from sample_repos import is_up_to_date

    reused = is_up_to_date(ctx.scenario)
    ctx.paths = call_with(function, name=ctx.scenario)
    ctx.truth = ctx.paths.load_truth()
    figures = ctx.truth["figures"]
    summary = (
        f"{ctx.scenario}: {figures['commits_total']:,} commits, "
        f"{figures['incidents_total']} incidents ({ctx.truth['title']})"
    )
    return f"{REUSED}{summary}" if reused else summary


def _mine(function: Callable[..., Any], ctx: DemoContext) -> str:
    result = call_with(function, repos=[str(ctx.paths.repo)], db=ctx.db)
    return "; ".join(_lines(result)) or f"mined {ctx.paths.repo}"


def _attribute(function: Callable[..., Any], ctx: DemoContext) -> str:
    result = call_with(function, db=ctx.db)
    after = getattr(result, "after", None)
    if isinstance(after, Mapping):
        return ", ".join(f"{label} {count:,}" for label, count in after.items())
    return "; ".join(_lines(result)) or "commits labelled"


def _import(function: Callable[..., Any], ctx: DemoContext) -> str:
    result = call_with(function, files=list(ctx.paths.incident_files), db=ctx.db)
    files = getattr(result, "files", ())
    return "; ".join(line for f in files for line in _lines(f)) or "incidents imported"


def _link(function: Callable[..., Any], ctx: DemoContext) -> str:
    result = call_with(function, db=ctx.db, ownership=ctx.paths.ownership)
    lines = _lines(result)
    try:
        from analyzer.linking import compute_churn
    except ImportError:
        pass
    else:
        lines += _lines(call_with(compute_churn, db=ctx.db))
    return "; ".join(lines) or "incidents linked"


def _analyze(function: Callable[..., Any], ctx: DemoContext) -> str:
    result = call_with(function, db=ctx.db)
    document = json.loads(result.to_json())
    (ctx.out / ANALYSIS_FILE).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    verdict = document.get("verdict") or {}
    ctx.verdict = verdict.get("primary_driver")
    statement = verdict.get("statement", "")
    return f"primary driver: {ctx.verdict}. {statement}".strip()


def _pr_report(function: Callable[..., Any], ctx: DemoContext) -> str:
    pull = ctx.truth["demo"]["pull_request"]
    target = ctx.out / PR_REPORT_FILE
    call_with(
        function, base=pull["base"], head=pull["head"], repo=ctx.paths.repo, out=target, db=ctx.db
    )
    return f"{pull['title']!r} -> {target}"


def _review(function: Callable[..., Any], ctx: DemoContext) -> str:
    quarter = ctx.truth["demo"]["review_quarter"]
    target = ctx.out / REVIEW_FILE
    from analyzer.scope import Scope

    scope = Scope(date_from=quarter["from"], date_to=quarter["to"])
    call_with(function, scope=scope, out=target, db=ctx.db)
    return f"{quarter['from']} to {quarter['to']} -> {target}"


SAMPLE = "sample repository"
STEPS: tuple[DemoStep, ...] = (
    DemoStep(SAMPLE, ("sample_repos:generate_scenario",), _generate),
    DemoStep("mining", ("analyzer.mining:mine_repositories",), _mine, (SAMPLE,), (STORE_FILE,)),
    DemoStep(
        "attribution",
        ("analyzer.attribution:attribute_commits", "analyzer.attribution:relabel_commits"),
        _attribute,
        ("mining",),
        (STORE_FILE,),
    ),
    DemoStep(
        "incident import",
        ("analyzer.incidents:import_incidents",),
        _import,
        (SAMPLE, "mining"),
        (STORE_FILE,),
    ),
    DemoStep(
        "linking",
        ("analyzer.linking:link_incidents",),
        _link,
        ("mining", "incident import"),
        (STORE_FILE,),
    ),
    DemoStep("analysis", ("analyzer.analysis:analyze",), _analyze, ("mining",), (ANALYSIS_FILE,)),
    DemoStep(
        "PR report",
        (
            "analyzer.reports.pr:write_pr_report",
            "analyzer.reports.pr:pr_report",
            "analyzer.reports:write_pr_report",
        ),
        _pr_report,
        ("mining",),
        (PR_REPORT_FILE,),
    ),
    DemoStep(
        "quarterly review",
        (
            "analyzer.reports.review:write_review",
            "analyzer.reports.review:write_quarterly_review",
            "analyzer.reports:write_review",
        ),
        _review,
        ("mining",),
        (REVIEW_FILE,),
    ),
)


# --- running ---------------------------------------------------------------------------


def find_target(targets: Iterable[str]) -> Callable[..., Any] | None:
    """The first ``module:function`` that imports, or None if none of them exists yet."""
    for target in targets:
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # the module itself is missing: not built yet
            raise
        function = getattr(module, attribute, None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    return None


@functools.cache
def _package_digest(package: str) -> str:
    """A hash of every source and data file of a top-level package."""
    module = importlib.import_module(package)
    digest = hashlib.sha256()
    if module.__file__ is not None:
        root = Path(module.__file__).parent
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml", ".sql")):
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def _code_digest(function: Callable[..., Any]) -> str:
    """A hash of the whole package the function belongs to (a part uses more than its own
    module: the store, git reading, rules): changed code means re-run the step."""
    return _package_digest(function.__module__.split(".")[0])


class _State:
    """Fingerprints of the steps that succeeded, kept in ``out/.demo-state.json``."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_FILE
        try:
            self.data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("steps", {})

    def start(self, scenario_fingerprint: str, out: Path) -> None:
        """A different scenario (or a regenerated one) starts from an empty store."""
        if self.data.get("scenario") != scenario_fingerprint:
            for name in (
                STORE_FILE,
                f"{STORE_FILE}.wal",
                ANALYSIS_FILE,
                PR_REPORT_FILE,
                REVIEW_FILE,
            ):
                (out / name).unlink(missing_ok=True)
            self.data = {"scenario": scenario_fingerprint, "steps": {}}
            self.save()

    def fresh(self, part: str, fingerprint: str) -> bool:
        return bool(self.data["steps"].get(part) == fingerprint)

    def record(self, part: str, fingerprint: str) -> None:
        self.data["steps"][part] = fingerprint
        self.save()

    def forget(self, part: str) -> None:
        self.data["steps"].pop(part, None)
        self.save()

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2) + "\n", encoding="utf-8")


def _run_step(step: DemoStep, ctx: DemoContext, state: _State, done: dict[str, str]) -> StepOutcome:
    """Run one step; ``done`` maps each successful step to its fingerprint."""
    blocked = [need for need in step.needs if need not in done]
    if blocked:
        return StepOutcome(step.part, "skipped", f"needs {', '.join(blocked)}")
    try:
        function = find_target(step.targets)
    except Exception as exc:  # a part that exists but cannot be imported must not stop us
        return StepOutcome(step.part, "failed", f"cannot import: {exc}")
    if function is None:
        return StepOutcome(step.part, "not built", "not built yet")
    upstream = "".join(done.values())  # every earlier success: a re-run upstream re-runs this
    fingerprint = hashlib.sha256(
        (step.part + upstream + _code_digest(function) + ctx.truth.get("fingerprint", "")).encode()
    ).hexdigest()
    outputs_present = all((ctx.out / name).exists() for name in step.outputs)
    if step.part != SAMPLE and outputs_present and state.fresh(step.part, fingerprint):
        done[step.part] = fingerprint
        return StepOutcome(step.part, "reused", "up to date")
    started = time.perf_counter()
    try:
        detail = step.run(function, ctx)
    except NotBuiltYetError:
        return StepOutcome(step.part, "not built", "not built yet")
    except Exception as exc:  # the demo reports a broken part and carries on
        state.forget(step.part)
        message = " ".join(str(exc).split()) or type(exc).__name__
        return StepOutcome(step.part, "failed", message, time.perf_counter() - started)
    if step.part == SAMPLE:
        state.start(ctx.truth["fingerprint"], ctx.out)
    done[step.part] = fingerprint
    state.record(step.part, fingerprint)
    if detail.startswith(REUSED):
        return StepOutcome(step.part, "reused", detail.removeprefix(REUSED))
    return StepOutcome(step.part, "done", detail, time.perf_counter() - started)


def run_demo(
    scenario: str = "jevons-volume",
    out: Path = Path("demo-output"),
    *,
    steps: tuple[DemoStep, ...] = STEPS,
    on_step: Callable[[StepOutcome], None] | None = None,
) -> DemoResult:
    """Run every step of the pipeline on ``scenario``, writing into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(scenario=scenario, out=out)
    state = _State(out)
    done: dict[str, str] = {}
    outcomes = []
    for step in steps:
        outcome = _run_step(step, ctx, state, done)
        outcomes.append(outcome)
        if on_step is not None:
            on_step(outcome)
    return DemoResult(ctx, tuple(outcomes))


def dashboard_launcher() -> Callable[..., Any] | None:
    """The dashboard's launcher if that part exists."""
    try:
        return find_target(DASHBOARD_TARGETS)
    except Exception:  # a broken dashboard import must not take the demo down
        return None


# --- words for the command line ---------------------------------------------------------

_MARKS = {"done": "ok", "reused": "ok", "not built": "--", "skipped": "--", "failed": "!!"}


def outcome_line(outcome: StepOutcome) -> str:
    """``ok mining (12.3s): ...``: one line per step as it finishes."""
    took = f" ({outcome.seconds:.1f}s)" if outcome.status == "done" else ""
    if outcome.status == "not built":
        return f"{_MARKS[outcome.status]} {outcome.part}: not built yet"
    label = "" if outcome.status == "done" else f"{outcome.status}: "
    detail = " ".join(outcome.detail.split())
    if len(detail) > DETAIL_LIMIT:
        detail = detail[: DETAIL_LIMIT - 3].rsplit(" ", 1)[0] + " ..."
    return f"{_MARKS[outcome.status]} {outcome.part}{took}: {label}{detail}"


def summary_lines(result: DemoResult) -> list[str]:
    """The closing summary: what ran, the verdict against the scenario's truth, where
    everything is."""
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    steps = ", ".join(f"{n} {status}" for status, n in counts.items())
    lines = ["", f"Summary ({steps})"]
    ctx = result.context
    if ctx.truth:
        expected = ctx.truth["expected_verdict"]
        found = ctx.verdict or "not computed"
        agree = (
            "" if ctx.verdict is None else " - agrees" if ctx.verdict == expected else " - differs"
        )
        lines.append(f"  verdict: {found}; the scenario's truth: {expected}{agree}")
        lines.append(f"  story: {ctx.truth['story']}")
    lines += [f"  {label}: {path}" for label, path in result.where()]
    return lines


def dashboard_decision(
    result: DemoResult, *, no_dashboard: bool, interactive: bool
) -> tuple[Callable[..., Any] | None, str]:
    """Whether to start the dashboard now, and the sentence that says so."""
    db = result.context.db
    later = f"open it later with: jevons dashboard --db {db}"
    if no_dashboard:
        return None, f"Dashboard: not started (--no-dashboard); {later}"
    if not interactive:
        return None, f"Dashboard: not started because this is not an interactive terminal; {later}"
    launcher = dashboard_launcher()
    if launcher is None:
        return None, "dashboard: not built yet"
    if not db.exists():
        return None, "Dashboard: not started because no store was written (mining did not run)."
    return launcher, "Starting the dashboard on localhost (Ctrl-C to stop)..."
