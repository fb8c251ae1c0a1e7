"""``link_incidents`` on a real store and real repositories: every method, and idempotence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analyzer.config import Config, LinkingConfig
from analyzer.errors import LinkingError
from analyzer.linking import link_incidents
from analyzer.store import Store
from tests.support.linking import (
    add_incident,
    import_file,
    link_row,
    links,
    notes,
    record_repo,
)
from tests.support.repo_builder import RepoBuilder

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
PRICING = (
    "def discount(price):\n    return price * 0.9\n\n\ndef tax(price):\n    return price * 0.2\n"
)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@pytest.fixture
def shop(repo: RepoBuilder) -> dict[str, str]:
    """A history with a known bug (day 1), an incident (day 2) and its fix (day 3)."""
    shas = {
        "base": repo.commit(
            "Add pricing", {"shop/pricing.py": PRICING, "api/app.py": "x = 1\n"}, date=at(0)
        ),
        "bug": repo.commit(
            "Bigger discount", {"shop/pricing.py": PRICING.replace("0.9", "9")}, date=at(1)
        ),
        "api": repo.commit("API tweak", {"api/app.py": "x = 2\n"}, date=at(1.5)),
        "fix": repo.commit("Fix discount, INC-7", {"shop/pricing.py": PRICING}, date=at(3)),
    }
    return shas


def test_explicit_commits_link_as_fix_and_inducing_with_full_confidence(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(store, "csv:1", at(2), fix_commits=[shop["fix"][:9]], cause_commits=[shop["bug"]])
    summary = link_incidents(store)
    assert links(store) >= {
        ("csv:1", shop["fix"], "fix", "explicit"),
        ("csv:1", shop["bug"], "inducing", "explicit"),
    }
    method, confidence, evidence = link_row(store, "csv:1", shop["bug"], "inducing")
    assert (method, confidence) == ("explicit", 1.0)
    assert "cause_commits says caused by" in evidence
    assert summary.count("explicit", "inducing") == 1
    assert summary.count("szz", "inducing") == 0  # the incident named its cause: no SZZ


def test_four_keys_root_cause_line_links_the_inducing_commit(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(
        store,
        "github:12",
        at(2),
        description=f"Checkout broke.\n\nroot cause: {shop['bug'][:12]}\n",
    )
    link_incidents(store)
    assert ("github:12", shop["bug"], "inducing", "explicit") in links(store)
    assert "'root cause:' line" in link_row(store, "github:12", shop["bug"], "inducing")[2]


def test_unknown_and_too_short_references_are_noted_not_guessed(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(
        store,
        "csv:2",
        at(2),
        fix_commits=["deadbeefcafe", "abc1"],
        description="root cause: a bad config push\nfixed by: #77\n",
    )
    link_incidents(store)
    details = [detail for _, _, detail in notes(store, "unresolved_reference")]
    assert any("no stored commit has SHA 'deadbeefcafe'" in d for d in details)
    assert any("'abc1' is too short to name a commit safely" in d for d in details)
    assert any("no stored commit landed pull request #77" in d for d in details)
    assert len(details) == 3  # "a bad config push" is prose, not a reference
    assert not [link for link in links(store) if link[0] == "csv:2"]


def test_a_pull_request_named_by_the_incident_resolves_to_its_merge(
    store: Store, repo: RepoBuilder
) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"}, date=at(0))
    repo.checkout("fix-branch", create=True)
    repo.commit("Fix it", {"app.py": "a = 2\n"}, date=at(3))
    repo.checkout("main")
    merge = repo.merge("fix-branch", "Merge pull request #41 from ada/fix-branch", date=at(3.1))
    record_repo(store, repo)
    add_incident(
        store, "csv:3", at(2), description="fixed by: https://github.com/acme/repo/pull/41"
    )
    link_incidents(store)
    method, confidence, evidence = link_row(store, "csv:3", merge, "fix")
    assert (method, confidence) == ("explicit", 0.95)
    assert "pull request #41" in evidence


def test_commit_messages_naming_an_incident_link_as_fix(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    jira = repo.commit("OPS-42: restore cache TTL", {"api/app.py": "x = 3\n"}, date=at(4))
    pd = repo.commit("Hotfix for PD #1234", {"api/app.py": "x = 4\n"}, date=at(5))
    gh = repo.commit("Guard nulls\n\nFixes #7", {"api/app.py": "x = 5\n"}, date=at(6))
    record_repo(store, repo)
    add_incident(store, "incidentio:01H", at(2), reference="INC-7")
    add_incident(store, "jira:OPS-42", at(2), reference="OPS-42")
    add_incident(store, "pagerduty:PX1", at(2), reference="1234")
    add_incident(store, "github:7", at(2), reference="7")
    add_incident(store, "pagerduty:PX7", at(2), reference="7")
    link_incidents(store)
    fixes = {(i, s) for i, s, role, method in links(store) if method == "fix_reference"}
    assert fixes == {
        ("incidentio:01H", shop["fix"]),
        ("jira:OPS-42", jira),
        ("pagerduty:PX1", pd),
        ("github:7", gh),  # "Fixes #7" is a GitHub convention: not PagerDuty incident 7
    }
    assert link_row(store, "pagerduty:PX1", pd, "fix")[1] == 0.85
    assert "'PD #1234'" in link_row(store, "pagerduty:PX1", pd, "fix")[2]


def test_a_pagerduty_export_links_by_its_incident_number(store: Store, repo: RepoBuilder) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"}, date=at(0))
    fix = repo.commit("Mitigate incident 1234", {"app.py": "a = 2\n"}, date=at(3))
    record_repo(store, repo)
    export = {
        "incidents": [
            {
                "id": "PX1",
                "incident_number": 1234,
                "title": "Checkout down",
                "created_at": "2024-03-03T09:00:00Z",
                "status": "resolved",
                "urgency": "high",
                "service": {"id": "S1", "summary": "checkout", "type": "service_reference"},
                "html_url": "https://acme.pagerduty.com/incidents/PX1",
            }
        ]
    }
    import_file(store, "pagerduty.json", json.dumps(export))
    link_incidents(store)
    assert link_row(store, "pagerduty:PX1", fix, "fix")[:2] == ("fix_reference", 0.7)


def test_commits_before_the_incident_and_reverts_of_fixes_are_not_fixes(
    store: Store, repo: RepoBuilder
) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"}, date=at(0))
    early = repo.commit("Prepare INC-9 rollout", {"app.py": "a = 2\n"}, date=at(1))
    fix = repo.commit("Fix INC-9", {"app.py": "a = 3\n"}, date=at(3))
    repo.commit(
        f'Revert "Fix INC-9"\n\nThis reverts commit {fix}.', {"app.py": "a = 2\n"}, date=at(4)
    )
    record_repo(store, repo)
    add_incident(store, "csv:INC-9", at(2))
    link_incidents(store)
    assert {s for i, s, role, _ in links(store) if role == "fix"} == {fix}
    assert {s for i, s, role, _ in links(store) if role == "inducing"} == {early}


def test_a_user_fix_pattern_with_a_ref_group_is_used(store: Store, repo: RepoBuilder) -> None:
    repo.commit("Base", {"app.py": "a = 1\n"}, date=at(0))
    fix = repo.commit("Mitigates outage/77", {"app.py": "a = 2\n"}, date=at(3))
    record_repo(store, repo)
    add_incident(store, "csv:outage/77", at(2), reference="outage/77")
    assert not [link for link in links(store) if link[0] == "csv:outage/77"]
    link_incidents(store, fix_patterns=[r"Mitigates (?P<ref>outage/\d+)"])
    assert link_row(store, "csv:outage/77", fix, "fix")[:2] == ("fix_reference", 0.9)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"INC-\d+", "has no named group 'ref'"),
        (r"(?P<ref>INC-\d+", "is not a valid regular expression"),
        # a repeat count past the engine's limit raises OverflowError, not re.error
        (r"(?P<ref>INC-\d{4300000000})", "is not a valid regular expression"),
    ],
)
def test_bad_fix_patterns_are_linking_errors(store: Store, pattern: str, message: str) -> None:
    with pytest.raises(LinkingError, match=message):
        link_incidents(store, fix_patterns=[pattern])


def test_szz_links_the_fixs_inducing_commit_and_says_which_lines(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(store, "incidentio:01H", at(2), reference="INC-7")
    summary = link_incidents(store)
    method, confidence, evidence = link_row(store, "incidentio:01H", shop["bug"], "inducing")
    assert method == "szz"
    assert confidence == pytest.approx(0.73 * 0.9)
    assert "R-SZZ from fix" in evidence and "shop/pricing.py line 2" in evidence
    assert summary.count("szz", "inducing") == 1
    assert summary.szz_variant == "R-SZZ"


def test_a_late_candidate_is_dropped_by_the_incident_date(store: Store, repo: RepoBuilder) -> None:
    repo.commit("Base", {"app.py": "a = 1\nb = 1\n"}, date=at(0))
    bug = repo.commit("Break a", {"app.py": "a = 0\nb = 1\n"}, date=at(1))
    late = repo.commit("Touch b", {"app.py": "a = 0\nb = 2\n"}, date=at(2.5))
    fix = repo.commit("Fix INC-5", {"app.py": "a = 1\nb = 3\n"}, date=at(3))
    record_repo(store, repo)
    add_incident(store, "csv:INC-5", at(2))
    link_incidents(store)
    inducing = {s for i, s, role, _ in links(store) if role == "inducing"}
    assert inducing == {bug}
    evidence = link_row(store, "csv:INC-5", bug, "inducing")[2]
    assert f"dropped 1 made after the incident ({late[:10]})" in evidence
    assert fix not in inducing


def test_a_fix_that_reverts_a_commit_names_it_even_in_configuration(
    store: Store, repo: RepoBuilder
) -> None:
    repo.commit("Deploy", {"deploy/api.yaml": "replicas: 3\ntimeout: 30\n"}, date=at(0))
    bad = repo.commit(
        "Fewer replicas", {"deploy/api.yaml": "replicas: 1\ntimeout: 30\n"}, date=at(1)
    )
    revert = repo.commit(
        f'Revert "Fewer replicas"\n\nThis reverts commit {bad}.\n\nFixes INC-4',
        {"deploy/api.yaml": "replicas: 3\ntimeout: 30\n"},
        date=at(3),
    )
    tune = repo.commit(
        "Longer timeout, INC-6", {"deploy/api.yaml": "replicas: 3\ntimeout: 60\n"}, date=at(5)
    )
    record_repo(store, repo)
    add_incident(store, "csv:INC-4", at(2))
    add_incident(store, "csv:INC-6", at(4))
    link_incidents(store)
    method, confidence, evidence = link_row(store, "csv:INC-4", bad, "inducing")
    assert (method, confidence) == ("szz", pytest.approx(0.9 * 0.9))
    assert f"fix {revert[:10]} (fix_reference) reverts this commit" in evidence
    assert not [link for link in links(store) if link[0] == "csv:INC-6" and link[2] == "inducing"]
    ((_, sha, detail),) = [n for n in notes(store, "szz_no_candidate") if n[0] == "csv:INC-6"]
    assert sha == tune and "only configuration (deploy/api.yaml)" in detail


def test_a_fix_that_only_adds_lines_gets_a_note_and_no_inducing_link(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    guard = repo.commit(
        "Guard INC-8",
        {"shop/pricing.py": PRICING + "\n\ndef safe(p):\n    return max(p, 0)\n"},
        date=at(5),
    )
    record_repo(store, repo)
    add_incident(store, "csv:INC-8", at(4))
    summary = link_incidents(store)
    assert {(role, method) for i, _, role, method in links(store) if i == "csv:INC-8"} == {
        ("fix", "fix_reference")
    }
    ((incident, sha, detail),) = notes(store, "szz_no_candidate")
    assert (incident, sha) == ("csv:INC-8", guard)
    assert "only adds lines" in detail
    assert [n.incident_id for n in summary.notes_of("szz_no_candidate")] == ["csv:INC-8"]


def test_variants_can_be_chosen_and_unknown_ones_are_refused(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(store, "csv:INC-7", at(2))
    assert link_incidents(store, szz_variant="b").szz_variant == "B-SZZ"
    assert link_row(store, "csv:INC-7", shop["bug"], "inducing")[1] == pytest.approx(0.39 * 0.9)
    config = Config(linking=LinkingConfig(szz_variant="ag"))
    assert link_incidents(store, config=config).szz_variant == "AG-SZZ"
    with pytest.raises(LinkingError, match="unknown SZZ variant"):
        link_incidents(store, szz_variant="zz")


def test_ownership_links_an_unfixed_incident_to_its_services_recent_changes_as_related(
    store: Store, repo: RepoBuilder, shop: dict[str, str], tmp_path: Path
) -> None:
    record_repo(store, repo)
    owners = tmp_path / "owners.txt"
    owners.write_text("# service: globs\npricing: shop/**\nedge-api: api/ *.proto\n")
    add_incident(store, "pagerduty:P1", at(2), service="Pricing")
    add_incident(store, "pagerduty:P2", at(2), service="Search")
    link_incidents(store, ownership=owners)
    p1 = {(s, role, method) for i, s, role, method in links(store) if i == "pagerduty:P1"}
    assert p1 == {(shop["bug"], "related", "ownership"), (shop["base"], "related", "ownership")}
    _, confidence, evidence = link_row(store, "pagerduty:P1", shop["bug"], "related")
    assert 0.1 <= confidence <= 0.2
    assert "context, not a cause" in evidence and "shop/pricing.py" in evidence
    assert not [link for link in links(store) if link[0] == "pagerduty:P2"]
    (p2_note,) = [d for i, _, d in notes(store, "no_fix") if i == "pagerduty:P2"]
    assert "'Search' owns no path" in p2_note
    assert not [link for link in links(store) if link[2] == "inducing"]


def test_ownership_ignores_changes_older_than_the_window(
    store: Store, repo: RepoBuilder, shop: dict[str, str], tmp_path: Path
) -> None:
    record_repo(store, repo)
    owners = tmp_path / "CODEOWNERS"
    owners.write_text("*        @platform\n/shop/   @pricing\n")
    add_incident(store, "pagerduty:P3", at(20), service="pricing")
    add_incident(store, "pagerduty:P4", at(2), service="platform")
    link_incidents(store, ownership=owners)
    assert not [link for link in links(store) if link[0] == "pagerduty:P3"]
    p4 = {s for i, s, _, _ in links(store) if i == "pagerduty:P4"}
    assert p4 == {shop["api"], shop["base"]}  # shop/ is pricing's: the last match wins


def test_linking_twice_gives_the_same_links_and_replaces_the_previous_run(
    store: Store, repo: RepoBuilder, shop: dict[str, str], tmp_path: Path
) -> None:
    record_repo(store, repo)
    add_incident(store, "csv:INC-7", at(2))
    add_incident(store, "pagerduty:P1", at(2), service="pricing")
    owners = tmp_path / "owners.yaml"
    owners.write_text("services:\n  pricing:\n    paths: [shop/]\n")
    link_incidents(store, ownership=owners)
    first = store.query("SELECT * FROM incident_links ORDER BY ALL")
    first_notes = store.query("SELECT * FROM link_notes ORDER BY ALL")
    link_incidents(store, ownership=owners)
    assert store.query("SELECT * FROM incident_links ORDER BY ALL") == first
    assert store.query("SELECT * FROM link_notes ORDER BY ALL") == first_notes
    link_incidents(store)  # no ownership file now: its related links go
    assert not [link for link in links(store) if link[3] == "ownership"]
    assert len(store.query("SELECT * FROM incident_links")) == len(first) - 2


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("owners.txt", "pricing\n", "line 1: 'pricing' names no owner"),
        ("owners.yaml", "pricing: 3\n", "service 'pricing': expected a list of path globs"),
        ("owners.yaml", "pricing: [\n", "not valid YAML"),
        ("owners.txt", "# nothing\n", "names no service and no path"),
    ],
)
def test_a_bad_ownership_file_is_a_linking_error_naming_file_and_line(
    store: Store, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(LinkingError, match=message):
        link_incidents(store, ownership=path)


def test_an_ignore_revs_file_lets_szz_look_through_bulk_commits(
    store: Store, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.commit("Base", {"app.py": "total = 1\n"}, date=at(0))
    bug = repo.commit("Break", {"app.py": "total = 0\n"}, date=at(1))
    bulk = repo.commit("Rename total", {"app.py": "grand_total = 0\n"}, date=at(1.5))
    repo.commit("Fix INC-3", {"app.py": "grand_total = 1\n"}, date=at(3))
    record_repo(store, repo)
    add_incident(store, "csv:INC-3", at(2))
    link_incidents(store)
    assert {s for _, s, role, _ in links(store) if role == "inducing"} == {bulk}
    revs = tmp_path / "ignore-revs"
    revs.write_text(f"# bulk renames\n{bulk}\n")
    link_incidents(store, config=Config(linking=LinkingConfig(ignore_revs_file=str(revs))))
    assert {s for _, s, role, _ in links(store) if role == "inducing"} == {bug}


def test_an_incident_with_no_fix_and_no_ownership_is_noted(
    store: Store, repo: RepoBuilder, shop: dict[str, str]
) -> None:
    record_repo(store, repo)
    add_incident(store, "csv:99", at(2), service="pricing")
    summary = link_incidents(store)
    assert summary.unlinked_incidents == 1
    ((incident, _, detail),) = notes(store, "no_fix")
    assert incident == "csv:99" and "no ownership file given" in detail
