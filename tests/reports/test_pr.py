"""The pull-request report: its figures checked against git and the metric backends
directly, on the demo's pull request and on small repositories built for the purpose."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from analyzer.errors import ReportError
from analyzer.metrics import analyze_blob
from analyzer.reports.pr import build_pr_report, risk_signals, write_pr_report
from analyzer.reports.pr_markdown import GITHUB_COMMENT_LIMIT
from analyzer.reports.risk import assess_risk, load_risk_rules
from sample_repos.generate import generate_scenario
from tests.dashboard.conftest import STORE_BUILD_TIMEOUT, demo_store  # noqa: F401
from tests.support.mining_repos import run_jevons
from tests.support.repo_builder import RepoBuilder
from tests.support.report_markdown import assert_inert, table_rows, visible_text
from tests.support.report_repos import (
    INCIDENT_TITLE,
    PullRequestRepo,
    branchy,
    build_pull_request_repo,
)

AI = {"ai_assisted", "ai_authored"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def blob_ccn(repo: Path, blob: str | None, path: str) -> tuple[int | None, dict[str, int]]:
    """Total CCN and each function's CCN of a blob, measured here by the metric backend."""
    if blob is None:
        return None, {}
    content = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "blob", blob], capture_output=True, check=True
    ).stdout
    metrics = analyze_blob(blob, path, content)
    return metrics.ccn_total, {f.name: f.ccn for f in metrics.functions}


@pytest.fixture(scope="module")
def demo_pull(demo_store: Path) -> tuple[Path, Path, dict[str, str], dict[str, str]]:  # noqa: F811
    """The demo's store, its repository, its pull request and each commit's true class."""
    paths = generate_scenario("jevons-volume")
    truth = paths.load_truth()
    classes = {c["sha"]: c["class"] for c in truth["commits"]}
    return demo_store, paths.repo, truth["demo"]["pull_request"], classes


@pytest.fixture(scope="module")
def small_pull(tmp_path_factory: pytest.TempPathFactory) -> PullRequestRepo:
    return build_pull_request_repo(tmp_path_factory.mktemp("pr"))


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_demo_pull_request_lines_and_complexity_match_git_and_lizard(demo_pull) -> None:
    db, repo, pull, _ = demo_pull
    report = build_pr_report(pull["base"], pull["head"], repo, db)
    merge_base = git(repo, "merge-base", pull["base"], pull["head"]).strip()
    assert report.merge_base == merge_base
    numstat = {}
    for line in git(repo, "diff", "--numstat", merge_base, pull["head"]).splitlines():
        added, deleted, path = line.split("\t")
        numstat[path] = (int(added), int(deleted))
    assert {f.path: (f.lines_added, f.lines_deleted) for f in report.files} == numstat
    counted = [f for f in report.files if f.counted]
    assert counted, "the demo pull request changes source files"
    for delta in counted:
        old_blob = (
            git(repo, "rev-parse", f"{merge_base}:{delta.path}").strip()
            if delta.change_type != "A"
            else None
        )
        new_blob = git(repo, "rev-parse", f"{pull['head']}:{delta.path}").strip()
        before, _ = blob_ccn(repo, old_blob, delta.path)
        after, _ = blob_ccn(repo, new_blob, delta.path)
        assert (delta.ccn_before, delta.ccn_after) == (before, after), delta.path
    assert report.ccn_delta == sum(f.ccn_delta for f in counted)


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_demo_pull_request_lists_every_function_made_complex(demo_pull) -> None:
    db, repo, pull, _ = demo_pull
    report = build_pr_report(pull["base"], pull["head"], repo, db)
    expected = set()
    for delta in report.files:
        if not delta.counted or delta.change_type == "D":
            continue
        old = (
            None
            if delta.change_type == "A"
            else git(repo, "rev-parse", f"{report.merge_base}:{delta.path}").strip()
        )
        _, before = blob_ccn(repo, old, delta.path)
        _, after = blob_ccn(
            repo, git(repo, "rev-parse", f"{report.head}:{delta.path}").strip(), delta.path
        )
        expected |= {
            (delta.path, name, ccn)
            for name, ccn in after.items()
            if ccn > 10 and ccn > before.get(name, 0)
        }
    assert expected, "the demo pull request makes a function complex"
    assert {(f.path, f.name, f.ccn) for f in report.functions} == expected


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_demo_pull_request_ai_share_matches_the_scenario_truth(demo_pull) -> None:
    db, repo, pull, classes = demo_pull
    report, markdown = write_pr_report(pull["base"], pull["head"], repo, db=db)
    shas = git(repo, "rev-list", pull["head"], "--not", pull["base"]).split()
    assert sorted(c.sha for c in report.commits) == sorted(shas)
    authored = [s for s in shas if classes[s] != "automation"]
    true_ai = sum(classes[s] in AI for s in authored)
    assert report.ai_commits == true_ai
    assert f"AI wrote {true_ai} of {len(authored)} commits" in markdown.splitlines()[1]
    assert {c.sha: c.authorship for c in report.commits} == {s: classes[s] for s in shas}


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_demo_pull_request_summary_and_risk_follow_the_rules(demo_pull) -> None:
    db, repo, pull, _ = demo_pull
    report, markdown = write_pr_report(pull["base"], pull["head"], repo, db=db)
    summary = markdown.splitlines()[1]
    assert summary.startswith("### Jevons: ") and f"{report.risk.level} risk" in summary
    assert f"{len(report.files)} files" in summary and f"CCN {report.ccn_delta:+,}" in summary
    rules = load_risk_rules()
    signals = risk_signals(report.files, report.functions, report.commits, report.history)
    fired = [rule.id for rule in rules.rules if rule.fires(signals.as_mapping())]
    assert fired and sorted(report.risk.fired) == sorted(fired)
    assert report.risk == assess_risk(signals, rules)
    text = visible_text(markdown)
    for reason in report.risk.reasons:
        assert reason in text
    assert_inert(markdown)


@pytest.mark.slow
@pytest.mark.timeout(STORE_BUILD_TIMEOUT)
def test_without_a_store_every_blob_is_measured_and_the_figures_are_the_same(
    demo_pull, tmp_path: Path
) -> None:
    db, repo, pull, _ = demo_pull
    cached = build_pr_report(pull["base"], pull["head"], repo, db)
    fresh = build_pr_report(pull["base"], pull["head"], repo, tmp_path / "absent.duckdb")
    assert cached.blobs_from_store > 0 and cached.blobs_measured_now == 0
    assert fresh.blobs_from_store == 0 and fresh.blobs_measured_now == cached.blobs_from_store
    assert fresh.files == cached.files and fresh.functions == cached.functions
    assert fresh.history.files == {} and "no store" in fresh.history.note
    markdown = write_pr_report(pull["base"], pull["head"], repo, db=tmp_path / "absent.duckdb")[1]
    assert "Not available: no store" in visible_text(markdown)


def test_unmined_pull_request_is_measured_on_the_fly_with_the_store_history(
    small_pull: PullRequestRepo,
) -> None:
    report, markdown = write_pr_report(
        small_pull.base, small_pull.head, small_pull.repo.path, db=small_pull.db
    )
    assert report.blobs_measured_now == 2  # the new gift.py and checkout.py; the old one is cached
    assert report.blobs_from_store == 1
    checkout = next(f for f in report.files if f.path == "checkout.py")
    assert (checkout.ccn_before, checkout.ccn_after) == (6, 12)
    notes = next(f for f in report.files if f.path == "notes.txt")
    assert not notes.counted and notes.ccn_delta == 0
    assert [(f.name, f.ccn, f.ccn_before) for f in report.functions] == [("total", 12, 6)]
    assert [c.authorship for c in report.commits] == ["human", "ai_assisted"]
    history = report.history.files["checkout.py"]
    assert [i.label for i in history.incidents] == ["INC-7", "INC-7"]
    assert {i.role for i in history.incidents} == {"inducing", "fix"}
    assert report.history.note == ""
    text = visible_text(markdown)
    assert INCIDENT_TITLE in text and "INC-7" in text
    assert report.risk.level == "high"
    assert set(report.risk.fired) == {
        "complexity-into-incident-hotspot",
        "complex-functions",
        "incident-history",
        "hotspot",
    }


def test_a_store_behind_the_base_branch_says_so(tmp_path: Path) -> None:
    behind = build_pull_request_repo(tmp_path, extra_main_commit=True)
    report, markdown = write_pr_report(behind.base, behind.head, behind.repo.path, db=behind.db)
    assert "has not mined this pull request's merge base" in report.history.note
    assert "checkout.py" in report.history.files  # the history it has is still shown
    assert "has not mined" in visible_text(markdown)


def test_redacted_incidents_show_ids_and_counts_only(small_pull: PullRequestRepo) -> None:
    _, plain = write_pr_report(
        small_pull.base, small_pull.head, small_pull.repo.path, db=small_pull.db
    )
    _, redacted = write_pr_report(
        small_pull.base,
        small_pull.head,
        small_pull.repo.path,
        db=small_pull.db,
        redact_incidents=True,
    )
    assert INCIDENT_TITLE in visible_text(plain)
    text = visible_text(redacted)
    assert INCIDENT_TITLE not in text and "SEV2" not in text
    assert "checkout.py: 1 incident(s): INC-7" in text


def test_cli_fail_on_exits_1_at_or_above_the_level_and_writes_the_report(
    small_pull: PullRequestRepo, tmp_path: Path
) -> None:
    where = ["--repo", str(small_pull.repo.path), "--db", str(small_pull.db)]
    common = ["report", "pr", "--base", small_pull.base, "--head", small_pull.head, *where]
    low = ["report", "pr", "--base", small_pull.base, "--head", small_pull.gift, *where]
    for name, args, level, status in (
        ("high-at-high", common, "high", 1),
        ("low-at-low", low, "low", 1),
        ("low-at-medium", low, "medium", 0),
    ):
        out = tmp_path / f"{name}.md"
        run = run_jevons(*args, "--out", str(out), "--fail-on", level, cwd=tmp_path)
        assert run.returncode == status, (name, run.stderr)
        assert out.read_text(encoding="utf-8").startswith("<!-- jevons-pr-report -->")
    stdout = run_jevons(*common, "--redact-incidents", cwd=tmp_path)
    assert stdout.returncode == 0 and "INC\\-7" in stdout.stdout
    assert INCIDENT_TITLE not in stdout.stdout
    bad = run_jevons(*common, "--fail-on", "severe", cwd=tmp_path)
    assert bad.returncode == 2 and "--fail-on: unknown risk level 'severe'" in bad.stderr


def test_cli_names_a_ref_that_is_not_there(small_pull: PullRequestRepo, tmp_path: Path) -> None:
    run = run_jevons(
        "report",
        "pr",
        "--base",
        "no-such-branch",
        "--head",
        small_pull.head,
        "--repo",
        str(small_pull.repo.path),
        "--db",
        str(small_pull.db),
        cwd=tmp_path,
    )
    assert run.returncode == 2
    assert "--base no-such-branch: no such commit" in run.stderr and "fetch-depth" in run.stderr


def test_tables_keep_their_columns_and_the_report_its_size(small_pull: PullRequestRepo) -> None:
    _, markdown = write_pr_report(
        small_pull.base, small_pull.head, small_pull.repo.path, db=small_pull.db
    )
    widths = {len(row) for row in table_rows(markdown)}
    assert widths <= {4, 5, 6} and len(markdown) < GITHUB_COMMENT_LIMIT
    assert_inert(markdown)


def test_risk_rules_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "risk.toml"
    bad.write_text(
        'levels = ["low", "high"]\n[[rule]]\nid = "x"\nlevel = "high"\n'
        'when = { lines_typed = 1 }\nreason = "r"\n',
        encoding="utf-8",
    )
    with pytest.raises(ReportError, match="rule 'x': unknown signal 'lines_typed'"):
        load_risk_rules(bad)
    assert load_risk_rules().levels == ("low", "medium", "high")


def test_renamed_deleted_and_binary_files_are_measured_on_the_right_side(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "repo")
    base = repo.commit(
        "Start",
        {
            "old_name.py": branchy("keep", 4),
            "gone.py": branchy("gone", 3),
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00binary",
        },
    )
    repo.git("mv", "old_name.py", "new_name.py")
    head = repo.commit(
        "Rename, delete, touch the image",
        {
            "new_name.py": branchy("keep", 4) + "\n# moved\n",
            "gone.py": None,
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x01binary",
        },
    )
    report = build_pr_report(base, head, repo.path, tmp_path / "no-store.duckdb")
    files = {f.path: f for f in report.files}
    renamed = files["new_name.py"]
    assert (renamed.change_type, renamed.old_path) == ("R", "old_name.py")
    assert (renamed.ccn_before, renamed.ccn_after, renamed.ccn_delta) == (5, 5, 0)
    gone = files["gone.py"]
    assert (gone.change_type, gone.ccn_before, gone.ccn_after, gone.ccn_delta) == ("D", 4, None, -4)
    assert not files["logo.png"].counted
    assert report.ccn_delta == -4 and report.functions == ()
    same = build_pr_report(head, head, repo.path, tmp_path / "no-store.duckdb")
    assert same.files == () and same.commits == () and same.risk.level == "low"
