"""The sample scenarios match their ground truth, and the same seed gives the same SHAs.

Every check reads the real generated repository with git and the real export files; the
truth file is only ever the thing being checked against.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import fnmatch
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lizard
import pytest

from sample_repos import generate_scenario, list_scenarios
from sample_repos.generate import ScenarioPaths, scenario_paths
from sample_repos.incidents import CSV_FIELDS
from sample_repos.people import DEPENDABOT, GITHUB_ACTIONS, PRE_COMMIT_CI, RENOVATE

SCENARIOS = list_scenarios()


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return result.stdout


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario(request: pytest.FixtureRequest) -> Iterator[tuple[ScenarioPaths, dict[str, Any]]]:
    """Each bundled scenario, generated (or reused) in the default location."""
    paths = generate_scenario(request.param)
    yield paths, paths.load_truth()


@pytest.fixture(scope="module")
def log(scenario: tuple[ScenarioPaths, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every commit reachable from main: identities, parents and full message."""
    paths, _ = scenario
    out = git(paths.repo, "log", "main", "--format=%H%x00%P%x00%an <%ae>%x00%cn <%ce>%x00%B%x1e")
    commits = {}
    for record in out.split("\x1e"):
        if not record.strip():
            continue
        sha, parents, author, committer, body = record.strip("\n").split("\x00")
        commits[sha] = {"parents": parents, "author": author, "committer": committer, "body": body}
    return commits


HOSTILE_GITCONFIG = """\
[user]
    name = Someone Else
    email = someone@example.net
[core]
    autocrlf = true
[init]
    defaultBranch = trunk
[commit]
    gpgsign = true
[i18n]
    commitEncoding = ISO-8859-1
"""


@pytest.mark.slow
def test_generating_twice_gives_identical_commit_shas(tmp_path: Path) -> None:
    """The second run is another process with another user's git config, time zone,
    locale, umask and hash seed: none of it may reach the commits."""
    first = generate_scenario("jevons-volume", tmp_path / "a")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(HOSTILE_GITCONFIG)
    env = {
        **os.environ,
        "HOME": str(home),
        "TZ": "Pacific/Chatham",
        "LC_ALL": "C",
        "LANG": "de_DE.ISO-8859-1",
        "PYTHONHASHSEED": "4242",
    }
    script = (
        "from sample_repos import generate_scenario; "
        f"generate_scenario('jevons-volume', {str(tmp_path / 'b')!r})"
    )
    subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, preexec_fn=lambda: os.umask(0o077)
    )
    second = scenario_paths("jevons-volume", tmp_path / "b" / "jevons-volume")
    shas_a = git(first.repo, "rev-list", "--all").split()
    shas_b = git(second.repo, "rev-list", "--all").split()
    assert len(shas_a) > 1500
    assert shas_a == shas_b
    for source in first.exports:
        assert first.exports[source].read_bytes() == second.exports[source].read_bytes()


@pytest.mark.slow
def test_another_seed_gives_another_history(tmp_path: Path) -> None:
    default = generate_scenario("rate")
    reseeded = generate_scenario("rate", tmp_path, seed=99)
    assert git(default.repo, "rev-parse", "HEAD") != git(reseeded.repo, "rev-parse", "HEAD")
    assert reseeded.load_truth()["seed"] == 99


def test_an_up_to_date_scenario_is_reused_not_rebuilt(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, _ = scenario
    before = (paths.truth.stat().st_mtime_ns, paths.repo.stat().st_ino)
    again = generate_scenario(paths.name)
    assert (again.truth.stat().st_mtime_ns, again.repo.stat().st_ino) == before


def test_every_commit_in_the_repository_is_in_the_truth_and_nothing_else(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    labelled = {c["sha"] for c in truth["commits"]}
    assert set(log) == labelled
    assert truth["repository"]["head"] == git(scenario[0].repo, "rev-parse", "HEAD").strip()
    assert git(scenario[0].repo, "branch", "--format=%(refname:short)").split() == ["main"]


def test_each_authorship_class_is_well_represented(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    _, truth = scenario
    counts = Counter(c["class"] for c in truth["commits"])
    assert counts == Counter(truth["figures"]["commits_by_class"])
    assert 1500 <= sum(counts.values()) <= 3200
    assert counts["human"] > 1000
    assert counts["ai_assisted"] > 150
    assert counts["ai_authored"] > 80
    assert counts["automation"] > 80


def test_ai_commits_carry_the_exact_markers_the_truth_lists(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    unmarked = 0
    for commit in truth["commits"]:
        if commit["class"] not in ("ai_authored", "ai_assisted"):
            continue
        # a team that switched its trailers off is counted apart (test below)
        unmarked += not commit["markers"] and commit["awkward"] != "trailers-off"
        seen = log[commit["sha"]]
        for marker in commit["markers"]:
            if marker.startswith("author: "):
                assert seen["author"] == marker.removeprefix("author: ")
            else:
                assert marker in seen["body"], (commit["sha"], marker)
    assert unmarked < 0.05 * truth["figures"]["commits_by_class"]["ai_assisted"]


_TOOL_ADDRESSES = (
    "noreply@anthropic.com",
    "claude-session:",
    "cursoragent@cursor.com",
    "made-with: cursor",
    "amp@ampcode.com",
    "aider@aider.chat",
    "noreply@openai.com",
    "223556219+copilot",
    "google-labs-jules",
)


def test_a_team_that_switched_trailers_off_leaves_no_marker_from_that_day(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    switched = [c for c in truth["commits"] if c["awkward"] == "trailers-off"]
    off = truth["telemetry"]["trailers_off"]
    if off is None:
        assert switched == []
        return
    assert len(switched) > 30
    for commit in switched:
        assert commit["class"] == "ai_assisted" and commit["tool"] is not None
        assert (commit["team"], commit["markers"]) == (off["team"], [])
        assert commit["authored_at"][:10] >= off["from"] or commit["delivery"] == "squash"
        body = log[commit["sha"]]["body"].lower()
        assert not any(marker in body for marker in _TOOL_ADDRESSES), commit["sha"]


def test_agents_author_their_commits_under_their_real_identities(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    authors = {log[c["sha"]]["author"] for c in truth["commits"] if c["class"] == "ai_authored"}
    assert "Copilot <198982749+Copilot@users.noreply.github.com>" in authors
    assert "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>" in authors
    assert any(" (aider) <" in a for a in authors)
    plans = [c for c in truth["commits"] if c["kind"] == "initial_plan"]
    assert plans
    for plan in plans:
        assert log[plan["sha"]]["body"].startswith("Initial plan")
        assert git(scenario[0].repo, "diff", "--stat", f"{plan['sha']}^", plan["sha"]) == ""


def test_bots_commit_as_automation_under_their_real_identities(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    bots = {str(b) for b in (DEPENDABOT, RENOVATE, PRE_COMMIT_CI, GITHUB_ACTIONS)}
    by_bot = Counter(
        log[c["sha"]]["author"] for c in truth["commits"] if c["class"] == "automation"
    )
    assert set(by_bot) == bots
    for commit in truth["commits"]:
        if log[commit["sha"]]["author"] in bots:
            assert commit["class"] == "automation"
    lock_changes = git(
        scenario[0].repo, "log", "--format=%an", "--", "*package-lock.json", "*go.sum"
    )
    assert "dependabot[bot]" in lock_changes


def test_awkward_cases_are_present_and_labelled_human(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    awkward = {}
    for commit in truth["commits"]:
        if commit["awkward"] and commit["awkward"] != "trailers-off":  # AI, tested apart
            awkward.setdefault(commit["awkward"], []).append(commit)
            assert commit["class"] == "human", commit["sha"]
    assert set(awkward) >= {
        "inherited-coauthors",
        "mentions-ai-in-prose",
        "tool-named-human-coauthor",
        "aider-committer-only",
        "agent-branch-merge",
        "hostile-text",
    }
    for commit in awkward["inherited-coauthors"]:
        body = log[commit["sha"]]["body"]
        assert body.count("Co-authored-by:") + body.count("Co-Authored-By:") >= 25
        assert commit["weak_markers"] and commit["weak_markers"][0] in body
    for commit in awkward["aider-committer-only"]:
        assert log[commit["sha"]]["committer"].split(" <")[0].endswith("(aider)")
        assert "(aider)" not in log[commit["sha"]]["author"]
    prose = " ".join(log[c["sha"]]["body"] for c in awkward["mentions-ai-in-prose"]).lower()
    assert any(word in prose for word in ("claude", "copilot", "cursor"))
    hostile = " ".join(log[c["sha"]]["body"] for c in awkward["hostile-text"])
    assert all(mark in hostile for mark in ("<script>", "@everyone", "](javascript:"))


def test_one_incident_title_carries_markup_that_reports_must_escape(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    hostile = [i for i in truth["incidents"] if "<b>" in i["title"]]
    assert len(hostile) == 1 and hostile[0]["code_caused"]
    assert "<b>raw HTML</b>" in paths.pagerduty.read_text()


def test_merge_commits_have_two_parents_and_bring_their_branch_in(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    paths, truth = scenario
    merges = [c for c in truth["commits"] if c["kind"] == "merge"]
    assert len(merges) == int(git(paths.repo, "rev-list", "--merges", "--count", "main")) > 30
    for merge in merges[:20]:
        parents = log[merge["sha"]]["parents"].split()
        assert parents == merge["parents"] and len(parents) == 2
        branch = git(paths.repo, "rev-list", f"{parents[0]}..{parents[1]}").split()
        assert set(branch) == set(merge["merged"])
        assert log[merge["sha"]]["body"].startswith("Merge pull request #")


def test_squash_merges_look_like_github_made_them(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    squashes = [c for c in truth["commits"] if c["delivery"] == "squash"]
    assert len(squashes) > 300
    for commit in squashes:
        seen = log[commit["sha"]]
        assert re.search(r" \(#\d+\)$", seen["body"].splitlines()[0])
        assert seen["committer"] == "GitHub <noreply@github.com>"
        assert len(seen["parents"].split()) == 1


def test_history_has_renames_deletions_and_reverts(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    paths, truth = scenario
    statuses = git(paths.repo, "log", "main", "-M", "--name-status", "--format=")
    assert re.search(r"^R\d+\t", statuses, re.MULTILINE)
    assert re.search(r"^D\t", statuses, re.MULTILINE)
    reverts = [c for c in truth["commits"] if c["reverts"]]
    assert reverts
    for commit in reverts:
        assert f"This reverts commit {commit['reverts']}." in log[commit["sha"]]["body"]


def test_mailmap_folds_identity_variants_into_one_person(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, _ = scenario
    raw = set(git(paths.repo, "log", "--format=%an <%ae>").splitlines())
    mapped = set(git(paths.repo, "log", "--format=%aN <%aE>").splitlines())
    assert "Tomek Kowalczyk <tomek@example.org>" in raw
    assert "Tomek Kowalczyk <tomek@example.org>" not in mapped
    assert "Tomasz Kowalczyk <tomasz@example.com>" in mapped


def _exported_ids(paths: ScenarioPaths) -> dict[str, list[dict[str, Any]]]:
    pagerduty = json.loads(paths.pagerduty.read_text())
    incident_io = json.loads(paths.incident_io.read_text())
    with paths.csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "pagerduty": pagerduty["incidents"],
        "incidentio": incident_io["incidents"],
        "csv": rows,
    }


def test_incident_exports_parse_with_the_documented_fields(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    exported = _exported_ids(paths)
    assert json.loads(paths.pagerduty.read_text())["more"] is False
    for record in exported["pagerduty"]:
        assert re.fullmatch(r"Q[0-9A-Z]{13}", record["id"])
        assert record["service"]["type"] == "service_reference"
        assert record["urgency"] in ("high", "low")
        assert record["status"] in ("resolved", "acknowledged", "triggered")
        assert parse_time(record["created_at"]).utcoffset() == dt.timedelta(0)
        assert {"incident_number", "html_url", "priority", "last_status_change_at"} <= set(record)
    for record in exported["incidentio"]:
        assert re.fullmatch(r"INC-\d+", record["reference"])
        assert {"severity", "incident_status", "incident_timestamp_values", "permalink"} <= set(
            record
        )
    assert exported["csv"] and set(exported["csv"][0]) == set(CSV_FIELDS)
    for row in exported["csv"]:
        created = dt.datetime.fromisoformat(row["created_at"])
        assert created.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
        if row["resolved_at"]:
            assert dt.datetime.fromisoformat(row["resolved_at"]) >= created
    total = sum(len(records) for records in exported.values())
    assert total == len(truth["incidents"]) and 75 <= total <= 200


def test_every_incident_appears_once_with_the_ids_the_truth_gives(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    exported = _exported_ids(paths)
    ids = {source: [r["id"] for r in records] for source, records in exported.items()}
    for incident in truth["incidents"]:
        assert ids[incident["source"]].count(incident["ids"]["id"]) == 1


def test_explicit_csv_links_name_the_true_commits(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    rows = {r["id"]: r for r in _exported_ids(paths)["csv"]}
    named = 0
    for incident in truth["incidents"]:
        if incident["source"] != "csv":
            continue
        row = rows[incident["ids"]["id"]]
        for sha in (
            re.split(r"[;\s]+", row["cause_commits"].strip()) if row["cause_commits"] else []
        ):
            assert incident["inducing_commit"].startswith(sha)
            named += 1
        for sha in row["fix_commits"].split():
            assert incident["fix_commit"].startswith(sha)
    if truth["expected_verdict"] != "none":
        assert named > 0


def test_fix_references_name_the_incident_in_its_own_tool_format(
    scenario: tuple[ScenarioPaths, dict[str, Any]], log: dict[str, dict[str, str]]
) -> None:
    _, truth = scenario
    for incident in truth["incidents"]:
        if incident["link"] != "fix_reference" or not incident["fix_commit"]:
            continue
        body = log[incident["fix_commit"]]["body"]
        number = incident["reference"].split("#")[-1].split("-")[-1]
        assert re.search(rf"(PD #|PagerDuty incident #|PagerDuty: #|INC-|OPS-){number}\b", body)


def _deleted_lines(repo: Path, fix: str) -> dict[str, list[tuple[int, int]]]:
    """Line ranges, in the fix's parent, that the fix deletes or rewrites."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    path = None
    for line in git(repo, "diff", "-U0", "-M", f"{fix}^", fix).splitlines():
        if line.startswith("--- "):
            path = line[6:] if line.startswith("--- a/") else None
        hunk = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
        if hunk and path:
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            if count:
                ranges.setdefault(path, []).append((start, start + count - 1))
    return ranges


def test_each_code_caused_incident_fix_rewrites_lines_blame_gives_to_the_inducing_commit(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    code_caused = [i for i in truth["incidents"] if i["code_caused"] and i["fix_commit"]]
    assert code_caused
    for incident in code_caused:
        fix = incident["fix_commit"]
        candidates = set()
        for path, ranges in _deleted_lines(paths.repo, fix).items():
            args = [arg for a, b in ranges for arg in ("-L", f"{a},{b}")]
            porcelain = git(paths.repo, "blame", "--porcelain", *args, f"{fix}^", "--", path)
            candidates |= set(re.findall(r"^([0-9a-f]{40}) \d+ \d+", porcelain, re.MULTILINE))
        assert incident["inducing_commit"] in candidates, incident["key"]


def test_incidents_happen_after_their_cause_ships_and_before_their_fix(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    _, truth = scenario
    commits = {c["sha"]: c for c in truth["commits"]}
    for incident in truth["incidents"]:
        created = parse_time(incident["created_at"])
        if incident["inducing_mainline_commit"]:
            shipped = commits[incident["inducing_mainline_commit"]]
            assert parse_time(shipped["committed_at"]) < created
        if incident["fix_commit"]:
            assert created < parse_time(commits[incident["fix_commit"]]["authored_at"])
        if not incident["code_caused"]:
            assert incident["inducing_commit"] is None


def test_the_data_tells_the_scenarios_story(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    _, truth = scenario
    failed = [name for name, ok in truth["story_checks"].items() if not ok]
    assert not failed
    decomposition = truth["figures"]["decomposition_realized"]
    parts = sum(decomposition[f"{k}_effect"] for k in ("volume", "mix", "rate"))
    assert parts == pytest.approx(decomposition["total_change"], abs=0.01)


def test_ownership_file_assigns_every_source_file_to_its_service(
    scenario: tuple[ScenarioPaths, dict[str, Any]],
) -> None:
    paths, truth = scenario
    rules = []
    for line in paths.ownership.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            glob, *services = line.split()
            rules.append((glob, services))
    incident_services = {i["service"] for i in truth["incidents"]}
    owned = {s for _, services in rules for s in services}
    assert incident_services <= owned
    for path in git(paths.repo, "ls-files", "services").splitlines():
        owners = [services for glob, services in rules if fnmatch.fnmatch(path, glob)]
        assert owners and owners[-1] == [path.split("/")[1]], path


def test_generated_code_parses_in_every_language() -> None:
    paths = generate_scenario("jevons-volume")
    functions: Counter[str] = Counter()
    for file in git(paths.repo, "ls-files", "services").splitlines():
        full = paths.repo / file
        if file.endswith(".py"):
            ast.parse(full.read_text(), filename=file)
        if full.suffix in (".py", ".ts", ".go", ".java") and "/vendor/" not in file:
            functions[full.suffix] += len(lizard.analyze_file(str(full)).function_list)
    assert all(functions[suffix] > 200 for suffix in (".py", ".ts", ".go", ".java")), functions
