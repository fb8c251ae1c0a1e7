"""SZZ on repositories built here, where the commit that introduced each bug is known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analyzer.errors import LinkingError
from analyzer.linking.rules import load_rules
from analyzer.linking.szz import (
    SZZ_VARIANTS,
    PathRules,
    SzzFix,
    SzzOutcome,
    find_inducing_commits,
    szz_variant,
)
from tests.support.repo_builder import RepoBuilder

BASE = """def total(items):
    result = 0
    for item in items:
        result += item.price
    return result


def discount(price):
    return price * 0.9
"""


def run(repo: RepoBuilder, fix: str, variant: str, **kwargs: object) -> SzzOutcome:
    parent = repo.git("rev-parse", f"{fix}^")
    return find_inducing_commits(
        SzzFix(repo=repo.path, sha=fix, parent=parent, **kwargs),  # type: ignore[arg-type]
        szz_variant(variant),
    )


def kept(outcome: SzzOutcome) -> set[str]:
    return {c.sha for c in outcome.kept}


def test_every_variant_blames_the_commit_that_wrote_the_changed_line(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    bug = repo.commit(
        "Cheaper discount", {"shop/pricing.py": BASE.replace("price * 0.9", "price * 9")}
    )
    repo.commit("Unrelated", {"README.md": "shop\n"})
    fix = repo.commit("Fix discount", {"shop/pricing.py": BASE})
    for name in SZZ_VARIANTS:
        outcome = run(repo, fix, name)
        assert kept(outcome) == {bug}, name
        (candidate,) = outcome.kept
        (span,) = candidate.spans
        assert (span.path, span.lines, span.orig_lines) == ("shop/pricing.py", (9,), (9,))


def test_whitespace_only_reformat_is_looked_through_by_ag_and_r_but_not_b(
    repo: RepoBuilder,
) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    buggy = BASE.replace("result += item.price", "result = item.price")
    bug = repo.commit("Simplify total", {"shop/pricing.py": buggy})
    reformat = repo.commit(
        "Reformat",
        {"shop/pricing.py": buggy.replace("result = item.price", "result  =  item.price")},
    )
    fix = repo.commit("Fix total", {"shop/pricing.py": BASE})
    assert kept(run(repo, fix, "b")) == {reformat}
    assert kept(run(repo, fix, "ag")) == {bug}
    assert kept(run(repo, fix, "r")) == {bug}


def test_comment_only_commit_is_looked_through_by_ag_and_r_but_not_b(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    buggy = BASE.replace("result += item.price", "result = item.price")
    bug = repo.commit("Simplify total", {"shop/pricing.py": buggy})
    commented = buggy.replace("result = item.price", "result = item.price  # running total")
    commented = commented.replace("def discount", "# Ten percent off.\ndef discount")
    comment = repo.commit("Explain", {"shop/pricing.py": commented})
    fix = repo.commit(
        "Fix total",
        {"shop/pricing.py": commented.replace("result = item.price", "result += item.price")},
    )
    assert kept(run(repo, fix, "b")) == {comment}
    assert kept(run(repo, fix, "ag")) == {bug}
    assert kept(run(repo, fix, "r")) == {bug}


def test_comment_and_blank_lines_the_fix_deletes_are_not_blamed_by_ag(repo: RepoBuilder) -> None:
    source = "int area(int w, int h) {\n    return w + h;\n}\n"
    repo.commit("Add area", {"geo/area.c": "int area(int w, int h) {\n    return w * h;\n}\n"})
    bug = repo.commit("Refactor area", {"geo/area.c": source})
    noted = "/* Area of a\n   rectangle. */\n\n" + source.replace(
        "return w + h;", "return w + h; // TODO check"
    )
    note = repo.commit("Document area", {"geo/area.c": noted})
    fix = repo.commit(
        "Fix area", {"geo/area.c": "int area(int w, int h) {\n    return w * h;\n}\n"}
    )
    assert kept(run(repo, fix, "ag")) == {bug}
    assert kept(run(repo, fix, "b")) == {note}


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        ("web/cart.ts", "let n = a - b;\n", "let n = a - b; // why: refunds\n"),
        ("svc/cart.go", "n := a - b\n", "n := a - b /* refunds */\n"),
        ("app/Cart.java", "int n = a - b;\n", "int n = a - b; // refunds\n"),
        ("lib/cart.js", "const n = a - b;\n", "const n = a - b; /* refunds */\n"),
    ],
)
def test_comment_only_commits_are_recognised_in_each_language(
    repo: RepoBuilder, path: str, before: str, after: str
) -> None:
    repo.commit("Start", {path: "// header\n"})
    bug = repo.commit("Compute n", {path: "// header\n" + before})
    repo.commit("Comment n", {path: "// header\n" + after})
    fix = repo.commit("Fix n", {path: "// header\n" + before.replace("-", "+")})
    assert kept(run(repo, fix, "r")) == {bug}


def test_a_rename_between_cause_and_fix_is_followed(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    bug = repo.commit(
        "Cheaper discount", {"shop/pricing.py": BASE.replace("price * 0.9", "price * 9")}
    )
    repo.git("mv", "shop/pricing.py", "shop/prices.py")
    repo.commit("Rename module", {"shop/__init__.py": ""})
    fix = repo.commit("Fix discount", {"shop/prices.py": BASE})
    for name in SZZ_VARIANTS:
        outcome = run(repo, fix, name)
        assert kept(outcome) == {bug}, name
        (span,) = outcome.kept[0].spans
        assert (span.path, span.orig_path) == ("shop/prices.py", "shop/pricing.py")


def test_lines_moved_within_a_file_are_followed_by_ag_and_r(repo: RepoBuilder) -> None:
    head, tail = BASE.split("\n\n\n")
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    buggy_tail = tail.replace("price * 0.9", "price * 9")
    bug = repo.commit("Cheaper discount", {"shop/pricing.py": f"{head}\n\n\n{buggy_tail}"})
    move = repo.commit("Reorder", {"shop/pricing.py": f"{buggy_tail}\n\n{head}\n"})
    fix = repo.commit("Fix discount", {"shop/pricing.py": f"{tail}\n\n{head}\n"})
    assert kept(run(repo, fix, "r")) == {bug}
    assert move not in kept(run(repo, fix, "ag"))


def test_candidates_made_after_the_incident_was_reported_are_dropped(repo: RepoBuilder) -> None:
    repo.commit(
        "Add pricing", {"shop/pricing.py": BASE}, date=dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    )
    bug = repo.commit(
        "Cheaper discount",
        {"shop/pricing.py": BASE.replace("price * 0.9", "price * 9")},
        date=dt.datetime(2024, 3, 2, tzinfo=dt.UTC),
    )
    reported = dt.datetime(2024, 3, 3, 12, 0)
    late = repo.commit(
        "Tweak loop",
        {
            "shop/pricing.py": BASE.replace("price * 0.9", "price * 9").replace(
                "item.price", "item.cost"
            )
        },
        date=dt.datetime(2024, 3, 4, tzinfo=dt.UTC),
    )
    fix = repo.commit("Fix", {"shop/pricing.py": BASE}, date=dt.datetime(2024, 3, 5, tzinfo=dt.UTC))
    assert kept(run(repo, fix, "r")) == {late}
    outcome = run(repo, fix, "r", reported_at=reported)
    assert kept(outcome) == {bug}
    assert [c.sha for c in outcome.after_report] == [late]
    only_late = run(repo, fix, "ag", reported_at=dt.datetime(2024, 3, 1, 12, 0))
    assert only_late.kept == ()
    assert only_late.note is not None and "after the incident was reported" in only_late.note


def test_r_keeps_only_the_latest_candidate_and_ag_keeps_all(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    first = repo.commit(
        "Loop", {"shop/pricing.py": (v1 := BASE.replace("item.price", "item.cost"))}
    )
    second = repo.commit("Discount", {"shop/pricing.py": v1.replace("0.9", "9")})
    fix = repo.commit("Fix both", {"shop/pricing.py": BASE})
    assert kept(run(repo, fix, "ag")) == {first, second}
    r = run(repo, fix, "r")
    assert kept(r) == {second}
    assert [c.sha for c in r.superseded] == [first]


def test_a_fix_that_only_adds_lines_names_no_candidate_and_says_so(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    fix = repo.commit(
        "Guard empty",
        {"shop/pricing.py": BASE + "\n\ndef is_empty(items):\n    return not items\n"},
    )
    for name in SZZ_VARIANTS:
        outcome = run(repo, fix, name)
        assert outcome.kept == ()
        assert outcome.note is not None and "only adds lines" in outcome.note


def test_a_fix_that_changes_only_comments_names_no_candidate_under_ag(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    fix = repo.commit(
        "Clarify",
        {"shop/pricing.py": BASE.replace("    return result", "    return result  # sum")},
    )
    outcome = run(repo, fix, "ag")
    assert outcome.kept == ()
    assert outcome.note is not None and "only comments" in outcome.note
    assert len(run(repo, fix, "b").kept) == 1


def test_test_files_the_fix_changes_are_not_blamed(repo: RepoBuilder) -> None:
    repo.commit("Add", {"shop/pricing.py": BASE, "tests/test_pricing.py": "assert 1 == 1\n"})
    fix = repo.commit("Fix test", {"tests/test_pricing.py": "assert 2 == 2\n"})
    outcome = run(repo, fix, "r", paths=PathRules(skip=("tests/",)))
    assert outcome.kept == ()
    assert (
        outcome.note is not None
        and "only tests, documentation, configuration or excluded" in outcome.note
    )


def test_a_fix_that_only_retunes_configuration_names_no_candidate(repo: RepoBuilder) -> None:
    repo.commit("Deploy", {"deploy/cache.yaml": "nodes: 3\ntimeout_seconds: 30\n"})
    repo.commit("Code", {"shop/pricing.py": BASE})
    fix = repo.commit("Raise timeout", {"deploy/cache.yaml": "nodes: 3\ntimeout_seconds: 60\n"})
    rules = load_rules()
    outcome = run(repo, fix, "r", paths=PathRules(rules.szz_skip_paths, rules.szz_config_paths))
    assert outcome.kept == ()
    assert outcome.note is not None and "only configuration (deploy/cache.yaml)" in outcome.note
    assert len(run(repo, fix, "r").kept) == 1  # without the rule, blame names the deploy


def test_a_dependency_manifest_is_not_configuration(repo: RepoBuilder) -> None:
    repo.commit("Start", {"package.json": '{\n  "left-pad": "1.0.0"\n}\n'})
    bump = repo.commit("Bump", {"package.json": '{\n  "left-pad": "2.0.0"\n}\n'})
    pin = repo.commit("Pin back", {"package.json": '{\n  "left-pad": "1.0.0"\n}\n'})
    rules = load_rules()
    outcome = run(repo, pin, "r", paths=PathRules(rules.szz_skip_paths, rules.szz_config_paths))
    assert kept(outcome) == {bump}


def test_the_incidents_other_fixes_are_set_aside(repo: RepoBuilder) -> None:
    repo.commit("Add pricing", {"shop/pricing.py": BASE})
    bug = repo.commit("Cheaper", {"shop/pricing.py": BASE.replace("0.9", "9")})
    first_fix = repo.commit("Half fix", {"shop/pricing.py": BASE.replace("0.9", "0.09")})
    fix = repo.commit("Real fix", {"shop/pricing.py": BASE})
    outcome = run(repo, fix, "r", exclude=frozenset({first_fix}))
    assert kept(outcome) == set()
    assert [c.sha for c in outcome.set_aside] == [first_fix]
    assert kept(run(repo, first_fix, "r")) == {bug}


def test_commits_in_the_ignore_revs_list_are_looked_through(repo: RepoBuilder) -> None:
    loop = repo.commit("Add pricing", {"shop/pricing.py": BASE})
    renamed = BASE.replace("result", "acc")
    bulk = repo.commit("Rename variable", {"shop/pricing.py": renamed})
    fix = repo.commit(
        "Fix loop", {"shop/pricing.py": renamed.replace("acc += item", "acc -= item")}
    )
    assert kept(run(repo, fix, "r")) == {bulk}
    assert kept(run(repo, fix, "r", ignore_revs=(bulk,))) == {loop}
    assert kept(run(repo, fix, "b", ignore_revs=(bulk,))) == {bulk}


def test_blame_runs_one_git_process_per_file(
    repo: RepoBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("Add", {"a.py": BASE, "b.py": BASE})
    bug = repo.commit(
        "Break",
        {"a.py": BASE.replace("0.9", "9").replace("+=", "="), "b.py": BASE.replace("0.9", "8")},
    )
    fix = repo.commit("Fix", {"a.py": BASE, "b.py": BASE})
    trace = tmp_path / "trace.log"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    assert kept(run(repo, fix, "b")) == {bug}
    blames = [line for line in trace.read_text().splitlines() if "built-in: git blame" in line]
    assert len(blames) == 2


def test_unknown_variant_is_a_linking_error_naming_the_choices() -> None:
    with pytest.raises(LinkingError, match="unknown SZZ variant 'q'; choose one of: b, ag, r"):
        szz_variant("q")
    assert szz_variant("R-SZZ").name == "r"
    assert szz_variant(None).name == "r"
