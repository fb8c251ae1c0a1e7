"""``jevons report pr``: a Markdown comment for a pull request.

:func:`build_pr_report` gathers the figures: the pull request's commits and diff from git
(:mod:`.pr_git`), each changed file's NLOC and CCN before and after from the store's blob
cache, measuring on the spot the blobs the store has not seen (:mod:`.blob_cache`), each
commit's authorship by the attribution rules, the touched files' hotspot rank and incident
history from the store (:mod:`.pr_history`), and a risk level by the rules in
``risk.toml`` (:mod:`.risk`). :func:`write_pr_report` renders it (:mod:`.pr_markdown`) and
writes it to a file or returns it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from analyzer.attribution import classify_commit, rules_from_config
from analyzer.config import Config, load_config
from analyzer.git.repository import open_repository
from analyzer.mining.contributions import PathClassifier
from analyzer.reports.blob_cache import blob_metrics_for
from analyzer.reports.pr_git import read_pull_request
from analyzer.reports.pr_history import StoreHistory, history_paths, read_store_history
from analyzer.reports.pr_markdown import render_pr_markdown
from analyzer.reports.pr_model import (
    FileDelta,
    FunctionChange,
    PrCommit,
    PrReport,
    ai_commit_share,
    blob_requests,
    ccn_delta,
    complex_functions,
    file_delta,
    pr_commit,
)
from analyzer.reports.risk import RiskSignals, assess_risk, load_risk_rules
from analyzer.store import Store, open_store


def build_pr_report(
    base: str,
    head: str,
    repo: Path | str = Path("."),
    db: Path | str | Store | None = None,
    *,
    config: Config | None = None,
    risk_rules: Path | str | None = None,
) -> PrReport:
    """The figures of the pull request ``base``..``head`` of the repository at ``repo``.

    ``db`` is the store (default ``$JEVONS_DB`` or ``./jevons.duckdb``); without one, the
    report still has the diff's figures and the commits' authorship, and says that
    hotspots and incident history need a mined store.
    """
    config = config if config is not None else load_config()
    repository = open_repository(repo)
    pull = read_pull_request(repository.path, base, head)
    classifier = PathClassifier(config.excluded_globs)
    store = open_store(db, read_only=True, missing="none")
    blobs = blob_metrics_for(
        blob_requests(pull.changes, classifier), repository.path, store, config
    )
    files = tuple(file_delta(change, classifier, blobs.metrics) for change in pull.changes)
    functions = tuple(
        function
        for change in pull.changes
        for function in complex_functions(change, classifier, blobs.metrics)
    )
    attribute = functools.partial(classify_commit, rules=rules_from_config(config))
    commits = tuple(pr_commit(commit, attribute(commit)) for commit in pull.commits)
    history = read_store_history(
        store,
        repository,
        history_paths([(c.path, c.old_path) for c in pull.changes]),
        pull.merge_base,
    )
    signals = risk_signals(files, functions, commits, history)
    return PrReport(
        repo=repository.path,
        repo_name=repository.name,
        base=pull.base,
        head=pull.head,
        merge_base=pull.merge_base,
        files=files,
        functions=functions,
        commits=commits,
        history=history,
        risk=assess_risk(signals, load_risk_rules(risk_rules)),
        blobs_from_store=blobs.from_store,
        blobs_measured_now=blobs.measured_now,
    )


def write_pr_report(
    base: str,
    head: str,
    repo: Path | str = Path("."),
    out: Path | str | None = None,
    db: Path | str | Store | None = None,
    *,
    redact_incidents: bool = False,
    config: Config | None = None,
    risk_rules: Path | str | None = None,
) -> tuple[PrReport, str]:
    """Build the report and render its Markdown; write it to ``out`` when given."""
    report = build_pr_report(base, head, repo, db, config=config, risk_rules=risk_rules)
    markdown = render_pr_markdown(report, redact_incidents=redact_incidents)
    if out is not None:
        Path(out).write_text(markdown, encoding="utf-8")
    return report, markdown


def risk_signals(
    files: Sequence[FileDelta],
    functions: Sequence[FunctionChange],
    commits: Sequence[PrCommit],
    history: StoreHistory,
) -> RiskSignals:
    """The pull request's figures that the risk rules test."""
    touched = history.files.values()
    hotspots = [f for f in touched if f.hotspot is not None]
    share = ai_commit_share(commits)
    return RiskSignals(
        ccn_added=ccn_delta(files),
        lines_changed=sum(f.lines_changed for f in files),
        files_changed=len(files),
        complex_functions=len(functions),
        max_function_ccn=max((f.ccn for f in functions), default=0),
        ai_commit_share_pct=round(share * 100) if share is not None else 0,
        hotspots_touched=len(hotspots),
        hotspot_incidents=len({i for f in hotspots for i in f.incident_ids}),
        incident_files_touched=sum(1 for f in touched if f.incidents),
    )
