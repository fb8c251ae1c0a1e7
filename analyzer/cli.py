"""The ``jevons`` command: thin wrappers over the library, one per command.

Each command parses its options and calls one function of ``analyzer`` with the same
argument names. Library errors (:class:`JevonsError`) become a one-line message on stderr
and a non-zero exit here, and nowhere else.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from analyzer.errors import JevonsError, NotBuiltYetError
from analyzer.interruption import (
    EXIT_INTERRUPTED,
    interruption_line,
    noting_interrupts,
    was_interrupted,
)
from analyzer.terminal import SafeConsole, print_plain

if TYPE_CHECKING:
    from analyzer.store import Store

app = typer.Typer(
    name="jevons",
    help="Is cheaper code production adding to complexity and on-call load, and how sure are we?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
attribution_app = typer.Typer(help="Inspect the attribution rules and their verdicts.")
incidents_app = typer.Typer(help="Import incident records.")
report_app = typer.Typer(help="Write the pull-request report or the quarterly review.")
usage_app = typer.Typer(help="Import AI usage telemetry (Copilot, Claude Code, Cursor, CSV/JSON).")
app.add_typer(attribution_app, name="attribution")
app.add_typer(incidents_app, name="incidents")
app.add_typer(report_app, name="report")
app.add_typer(usage_app, name="usage")

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="JEVONS_DB",
        help="The store file (default: $JEVONS_DB, else ./jevons.duckdb).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="A jevons.toml or pyproject.toml to read settings from."),
]
PathPrefixOption = Annotated[
    str | None,
    typer.Option(help="Only commits changing files under this prefix (their lines there)."),
]
ServiceOption = Annotated[
    str | None,
    typer.Option(help="Only this service's incidents and the changes inducing them."),
]

err_console = SafeConsole(stderr=True)
#: The width of a wide table written to a file or a pipe (Rich would otherwise use 80).
WIDE_TABLE_COLUMNS = 160


def _echo(text: str, nl: bool = True) -> None:
    """Print a line of plain text to stdout, control characters neutralised."""
    print_plain(SafeConsole(), text, end="\n" if nl else "")


def _not_built(part: str) -> None:
    raise NotBuiltYetError(f"{part} is not built yet")


@app.command()
def mine(
    repos: Annotated[
        list[str] | None,
        typer.Argument(
            help="Repository paths (work trees or bare repositories) or clone URLs "
            "(cloned into $JEVONS_CACHE, default ~/.cache/jevons/repos)."
        ),
    ] = None,
    db: DbOption = None,
    history: Annotated[
        str | None,
        typer.Option(help="first-parent (default) or full.", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes, local pool or Dask cluster (default: all cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="A Dask scheduler address to mine on (e.g. tcp://host:8786)."),
    ] = None,
    dask: Annotated[
        bool | None,
        typer.Option(
            "--dask/--no-dask",
            help="Mine on a local Dask cluster, or on a local process pool "
            "(default: Dask for several repositories, the pool for one).",
            show_default=False,
        ),
    ] = None,
    repos_file: Annotated[
        Path | None,
        typer.Option(help="A file listing repositories (paths or clone URLs), one a line."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Mine repositories' history into the store: commits, file changes, blob metrics.

    A repository that fails is reported, the others are mined, and the exit status is 1.
    """
    from analyzer.config import load_config
    from analyzer.errors import RepositoriesFailedError
    from analyzer.mining import ConsoleObserver, mine_repositories

    settings = load_config(file=config)
    try:
        with ConsoleObserver(err_console, show_progress=err_console.is_terminal) as observer:
            summaries = mine_repositories(
                repos,
                db=db,
                history=history,
                workers=workers,
                scheduler=scheduler,
                repos_file=repos_file,
                config=settings,
                dask=dask,
                observer=observer,
            )
    except RepositoriesFailedError as exc:
        for summary in exc.summaries:
            _echo(summary.line())
        raise
    for summary in summaries:
        _echo(summary.line())


@app.command()
def export(
    parquet: Annotated[Path, typer.Option(help="Directory to write one Parquet file per table.")],
    db: DbOption = None,
) -> None:
    """Write every table of the store as Parquet."""
    from analyzer.store import open_store
    from analyzer.store.export import export_parquet

    store = open_store(db, read_only=True, missing="error")
    for table in export_parquet(parquet, db=store):
        _echo(f"{table.table}: {table.rows:,} rows -> {table.path}")


@app.command()
def attribute(db: DbOption = None, config: ConfigOption = None) -> None:
    """Re-label the stored commits after a rule change, without re-mining."""
    from analyzer.attribution import relabel_commits
    from analyzer.attribution.tables import relabel_table
    from analyzer.config import load_config
    from analyzer.store import open_store

    settings = load_config(file=config)
    store = open_store(db, read_only=False, missing="error")
    result = relabel_commits(db=store, config=settings)
    SafeConsole().print(relabel_table(result))


@attribution_app.command("rules")
def attribution_rules(config: ConfigOption = None) -> None:
    """List the attribution rules in force (built-in and your own)."""
    from analyzer.attribution import rules_from_config
    from analyzer.attribution.tables import rules_table
    from analyzer.config import load_config

    console = SafeConsole()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # to a file or a pipe: wide enough that each rule's columns stay legible
        console = SafeConsole(width=WIDE_TABLE_COLUMNS)
    console.print(rules_table(rules_from_config(load_config(file=config))))


@attribution_app.command("explain")
def attribution_explain(
    sha: Annotated[str, typer.Argument(help="A commit SHA (or unique prefix).")],
    db: DbOption = None,
    config: ConfigOption = None,
    repo: Annotated[str | None, typer.Option(help="Only look in this repository id.")] = None,
) -> None:
    """Show why a commit got its authorship label."""
    from analyzer.attribution import explain_commit
    from analyzer.attribution.tables import explanation_text
    from analyzer.config import load_config
    from analyzer.store import open_store

    settings = load_config(file=config)
    store = open_store(db, read_only=True, missing="error")
    explanation = explain_commit(sha, db=store, config=settings, repo=repo)
    SafeConsole().print(explanation_text(explanation))


@incidents_app.command("import")
def incidents_import(
    files: Annotated[list[Path], typer.Argument(help="Incident exports to import.")],
    db: DbOption = None,
    format: Annotated[
        str,
        typer.Option(help="auto|csv|json|pagerduty|opsgenie|incidentio|jira|github"),
    ] = "auto",
    timezone: Annotated[
        str | None, typer.Option(help="Zone for timestamps without an offset.")
    ] = None,
    skip_invalid: Annotated[bool, typer.Option(help="Skip (and report) invalid records.")] = False,
    github_label: Annotated[
        str | None,
        typer.Option(help="GitHub issues: the label marking incidents (default: incident)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Import incident records from PagerDuty, Opsgenie, incident.io, Jira, GitHub or CSV/JSON.

    Each file lands whole or not at all; re-importing a file changes nothing.
    """
    from analyzer.config import load_config
    from analyzer.incidents import import_incidents

    summary = import_incidents(
        files,
        db=db,
        format=format,
        timezone=timezone,
        skip_invalid=skip_invalid,
        config=load_config(file=config),
        github_label=github_label,
    )
    for done in summary.files:
        _echo(done.line)
        for skipped in done.skipped:
            _echo(f"  skipped {skipped}")
        if done.skipped_count > len(done.skipped):
            _echo(f"  ... and {done.skipped_count - len(done.skipped)} more skipped")
        if done.unmapped_severities:
            labels = ", ".join(repr(label) for label in done.unmapped_severities)
            _echo(
                f"  severity left empty for labels not on the scale: {labels} "
                "(map them in incidents.severity_map)"
            )


@usage_app.command("import")
def usage_import(
    files: Annotated[list[Path], typer.Argument(help="Usage exports to import.")],
    db: DbOption = None,
    format: Annotated[str, typer.Option(help="auto|copilot|claude-code|cursor|csv|json")] = "auto",
    team: Annotated[
        str | None,
        typer.Option(help="The team of records that name no person (Copilot's team metrics)."),
    ] = None,
) -> None:
    """Import AI usage telemetry: GitHub Copilot metrics, Claude Code analytics or
    OpenTelemetry, Cursor daily usage, or Jevons' own CSV/JSON.

    Each file lands whole or not at all; re-importing a file changes nothing.
    """
    from analyzer.usage import import_usage

    for done in import_usage(files, db=db, format=format, team=team):
        _echo(done.line)


@app.command()
def link(
    db: DbOption = None,
    fix_pattern: Annotated[
        list[str] | None, typer.Option(help="Regex for incident ids in commit messages.")
    ] = None,
    ownership: Annotated[
        Path | None, typer.Option(help="Service to path-globs ownership file.")
    ] = None,
    szz_variant: Annotated[
        str | None, typer.Option(help="SZZ variant: b, ag, r (default r).")
    ] = None,
    churn: Annotated[
        bool, typer.Option(help="Also measure churn (lines rewritten within 14/28 days).")
    ] = True,
    config: ConfigOption = None,
) -> None:
    """Link incidents to the commits that fixed and introduced them, and measure churn."""
    from analyzer.config import load_config
    from analyzer.linking import compute_churn, link_incidents
    from analyzer.store import open_store

    settings = load_config(file=config)
    store = open_store(db, read_only=False, missing="error")
    summary = link_incidents(
        store,
        fix_patterns=fix_pattern,
        ownership=ownership,
        szz_variant=szz_variant,
        config=settings,
    )
    lines = summary.lines()
    if churn:
        lines += compute_churn(store, config=settings).lines()
    for line in lines:
        _echo(line)  # whole lines: a log or a pipe gets no mid-sentence breaks


@app.command()
def analyze(
    db: DbOption = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Start date (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="End date (YYYY-MM-DD).")] = None,
    repo: Annotated[str | None, typer.Option(help="Only this repository id.")] = None,
    path_prefix: PathPrefixOption = None,
    service: ServiceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    adoption_date: Annotated[
        str | None,
        typer.Option(help="The AI adoption date (YYYY-MM-DD); default: detected from the data."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Findings with effect sizes, intervals and evidence levels."""
    import dataclasses
    import datetime as dt

    from analyzer.analysis import analyze as run_analysis
    from analyzer.analysis.summary import render_summary
    from analyzer.config import load_config
    from analyzer.errors import AnalysisError
    from analyzer.scope import Scope
    from analyzer.store import open_store

    settings = load_config(file=config).analysis
    if adoption_date is not None:
        try:
            chosen = dt.date.fromisoformat(adoption_date)
        except ValueError as exc:
            raise AnalysisError(f"--adoption-date: {adoption_date!r} is not YYYY-MM-DD") from exc
        settings = dataclasses.replace(settings, adoption_date=chosen)
    scope = Scope(
        date_from=date_from, date_to=date_to, repo=repo, path_prefix=path_prefix, service=service
    )
    store = open_store(db, read_only=True, missing="error")
    result = run_analysis(store, scope, config=settings)
    _warn_of_unknown_service(store, service)
    if as_json:
        _echo(result.to_json())
    else:
        SafeConsole().print(render_summary(result))


def _warn_of_unknown_service(store: Store, service: str | None) -> None:
    from analyzer.analysis.run import unknown_service_warning

    warning = unknown_service_warning(store, service)
    if warning:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)


@report_app.command("pr")
def report_pr(
    base: Annotated[str, typer.Option(help="Base ref of the pull request.")],
    head: Annotated[str, typer.Option(help="Head ref of the pull request.")],
    repo: Annotated[Path, typer.Option(help="The repository.")] = Path("."),
    out: Annotated[
        Path | None, typer.Option(help="Write the Markdown here (default stdout).")
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(help="Exit 1 at this risk level or above: low, medium or high."),
    ] = None,
    redact_incidents: Annotated[
        bool, typer.Option(help="Show incident ids and counts only.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Markdown for a pull-request comment: complexity, AI share, hotspots, risk.

    With --fail-on, the exit status is 1 when the risk is at that level or above (the
    report is written first), so CI can gate on it; errors exit with 2.
    """
    from analyzer.config import load_config
    from analyzer.reports.pr import write_pr_report
    from analyzer.reports.risk import load_risk_rules

    if fail_on is not None:
        load_risk_rules().rank(fail_on, option="--fail-on")  # fail before any work
    report, markdown = write_pr_report(
        base,
        head,
        repo=repo,
        out=out,
        db=db,
        redact_incidents=redact_incidents,
        config=load_config(file=config),
    )
    if out is None:
        _echo(markdown, nl=False)
    else:
        err_console.print(escape(f"PR report ({report.risk.level} risk) -> {out}"), highlight=False)
    if fail_on is not None and report.risk.at_least(fail_on):
        err_console.print(
            escape(f"risk {report.risk.level} is at or above --fail-on {fail_on}"),
            highlight=False,
        )
        raise typer.Exit(1)


@report_app.command("review")
def report_review(
    date_from: Annotated[str, typer.Option("--from", help="Start date (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="End date (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option(help="The HTML file to write.")] = Path("review.html"),
    repo: Annotated[
        str | None,
        typer.Option(help="Only this repository id (default: all, together and each apart)."),
    ] = None,
    path_prefix: PathPrefixOption = None,
    service: ServiceOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """A self-contained HTML quarterly reliability review (works offline, prints well).

    --from and --to are whole calendar months (a month's first day, a month's last day);
    the review compares them with as many months before.
    """
    from analyzer.config import load_config
    from analyzer.reports.review import write_review
    from analyzer.scope import Scope
    from analyzer.store import open_store

    scope = Scope(
        date_from=date_from, date_to=date_to, repo=repo, path_prefix=path_prefix, service=service
    )
    store = open_store(db, read_only=True, missing="error")
    review = write_review(scope, out=out, db=store, config=load_config(file=config).analysis)
    _warn_of_unknown_service(store, service)
    verdict = review.combined.result.verdict
    err_console.print(
        escape(f"review of {review.periods.current.label} ({verdict.primary_driver}) -> {out}"),
        highlight=False,
    )


@app.command()
def dashboard(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Address to bind (default: localhost only).")
    ] = "127.0.0.1",
) -> None:
    """Open the Streamlit dashboard on the store (read-only)."""
    from analyzer.dashboard_launch import launch_dashboard
    from analyzer.store import default_db_path

    launch_dashboard(db or default_db_path(), port=port, host=host)


@app.command()
def demo(
    no_dashboard: Annotated[
        bool, typer.Option("--no-dashboard", help="Do not start the dashboard.")
    ] = False,
    scenario: Annotated[str, typer.Option(help="Sample scenario to build.")] = "jevons-volume",
    out: Annotated[Path, typer.Option(help="Where reports and the store go.")] = Path(
        "demo-output"
    ),
) -> None:
    """The whole pipeline on a bundled sample repository."""
    from analyzer.demo import (
        call_with,
        dashboard_decision,
        outcome_line,
        run_demo,
        summary_lines,
    )

    _echo(f"Jevons demo: scenario {scenario}, output in {out}/")
    result = run_demo(scenario, out, on_step=lambda step: _echo(outcome_line(step)))
    for line in summary_lines(result):  # whole lines: a terminal wraps them, a log keeps them
        _echo(line)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    launcher, sentence = dashboard_decision(
        result, no_dashboard=no_dashboard, interactive=interactive
    )
    _echo(sentence)
    if launcher is not None:
        call_with(launcher, db=result.context.db)
    if any(step.status == "failed" for step in result.outcomes):
        raise typer.Exit(1)


def main() -> None:
    """Entry point: run the app, turning Jevons errors into one line and a non-zero exit,
    and Ctrl-C into one line saying how to resume (exit 130), never a traceback."""
    with noting_interrupts():
        try:
            app()
        except BaseException as exc:
            if was_interrupted(exc):  # whatever it became on the way (DuckDB's own error)
                print_plain(err_console, interruption_line(sys.argv[1:]))
                sys.exit(EXIT_INTERRUPTED)
            if not isinstance(exc, JevonsError):
                raise
            err_console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
