"""Reading references: SHA prefixes, pull requests, commit-message patterns, code vs comments."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer.linking.commit_index import CommitIndex, StoredCommit
from analyzer.linking.cosmetic import code_lines, is_cosmetic_change, syntax_for
from analyzer.linking.explicit import resolve_reference
from analyzer.linking.fix_references import mentions
from analyzer.linking.rules import load_rules

WHEN = dt.datetime(2024, 1, 1)


def commit(repo: str, sha: str, message: str = "Work") -> StoredCommit:
    return StoredCommit(repo, sha, None, WHEN, message)


@pytest.fixture
def index() -> CommitIndex:
    return CommitIndex(
        [
            commit("shop", "abcdef1" + "0" * 33),
            commit("shop", "abcdef2" + "0" * 33),
            commit("shop", "1234567" + "a" * 33, "Merge pull request #41 from ada/fix"),
            commit("fork", "1234567" + "a" * 33, "Merge pull request #41 from ada/fix"),
            commit("shop", "9876543" + "b" * 33, "Speed up search (#52)"),
            commit("api", "5555555" + "c" * 33, "Speed up api (#52)\n\nbody"),
        ],
        repo_names={"shop": "shop", "fork": "shop-fork", "api": "api"},
        pull_request_patterns=load_rules().pull_request_patterns,
    )


def test_a_unique_prefix_resolves_and_a_shared_one_is_ambiguous(index: CommitIndex) -> None:
    (found,) = index.resolve_sha("ABCDEF1").commits
    assert found.sha.startswith("abcdef1")
    ambiguous = index.resolve_sha("abcdef")
    assert ambiguous.commits == ()
    assert ambiguous.problem is not None and "too short" in ambiguous.problem
    shared = CommitIndex(
        [commit("shop", "abcdef1" + "0" * 33), commit("shop", "abcdef1" + "1" * 33)]
    )
    problem = shared.resolve_sha("abcdef1").problem
    assert problem is not None and "'abcdef1' is ambiguous: it starts 2 commits" in problem


def test_the_same_commit_in_two_repositories_resolves_to_both(index: CommitIndex) -> None:
    found = index.resolve_sha("1234567aaa").commits
    assert sorted(c.repo_id for c in found) == ["fork", "shop"]


@pytest.mark.parametrize(
    ("text", "repos", "how"),
    [
        ("https://github.com/acme/api/pull/52", ["api"], "pull request #52"),
        ("https://github.com/acme/shop/commit/9876543bbb", ["shop"], "commit URL"),
        ("PR-52", [], "pull request #52"),  # in two repositories: needs its URL
        ("#41", ["fork", "shop"], "pull request #41"),  # one commit, two copies
    ],
)
def test_pull_requests_and_urls_resolve_to_the_commit_that_landed_them(
    index: CommitIndex, text: str, repos: list[str], how: str
) -> None:
    resolution, read_as = resolve_reference(text, index)
    assert sorted(c.repo_id for c in resolution.commits) == repos
    assert read_as == how


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("Fix INC-123: cache stampede", {("incident-key", "INC-123")}),
        (
            "Bump to UTF-8 handling; see OPS-42",
            {("incident-key", "UTF-8"), ("incident-key", "OPS-42")},
        ),
        ("Hotfix for PD #1234", {("pagerduty", "1234")}),
        ("Fix totals\n\nPagerDuty: #3109\n", {("pagerduty", "3109")}),
        ("Fixes PagerDuty incident #3108.", {("pagerduty", "3108"), ("incident-number", "3108")}),
        ("PagerDuty incident 88 follow-up", {("pagerduty", "88"), ("incident-number", "88")}),
        (
            "Fixes #7 and closes acme/web#9",
            {("github-closing-keyword", "7"), ("github-closing-keyword", "9")},
        ),
        ("Speed up search (#52)", set()),
        ("Update 3 files in 2 incidents-free modules", set()),
        ("x-INC-4 is not a key", set()),
        ('Revert "Fix INC-9"\n\nThis reverts commit abc.', set()),
    ],
)
def test_commit_message_patterns_find_references_and_little_else(
    message: str, found: set[tuple[str, str]]
) -> None:
    patterns = load_rules().fix_patterns
    assert {(m.pattern.name, m.ref) for m in mentions(message, patterns)} == found


@pytest.mark.parametrize(
    ("path", "text", "code"),
    [
        ("a.py", 'x = "# not a comment"  # a comment\n', ['x="# not a comment"', ""]),
        (
            "a.py",
            'def f():\n    """Doc\n    more."""\n    return 1\n',
            ["deff():", "", "", "\treturn1", ""],
        ),
        (
            "a.py",
            "if a:\n    x = [1,\n  2]\n    y = 1 + \\\n        2\n",
            ["ifa:", "\tx=[1,", "2]", "\ty=1+\\", "2", ""],
        ),
        ("a.ts", "const t = `a // b\nc`; // d\n", ["constt=`a // b", "c`;", ""]),
        ("a.go", "s := `raw \\` // x\n/* c */ y := 1\n", ["s:=`raw \\`", "y:=1", ""]),
        ("A.java", "int x = 1; /* multi\n line */ int y;\n", ["intx=1;", "inty;", ""]),
        ("a.c", "char c = '\"'; // q\n", ["charc='\"';", ""]),
        ("a.sql", "SELECT 1 -- why\n", ["SELECT1", ""]),
        ("README", "Some # text\n", ["Some#text", ""]),
    ],
)
def test_code_lines_drop_comments_and_whitespace_per_language(
    path: str, text: str, code: list[str]
) -> None:
    assert code_lines(text, syntax_for(path)) == code


def test_a_change_is_cosmetic_only_if_the_code_is_unchanged() -> None:
    before = "def f(x):\n    return x + 1\n"
    assert is_cosmetic_change(before, "def f(x):  # inc\n\n    return x+1\n", "m.py")
    assert not is_cosmetic_change(before, "def f(x):\n    return x + 2\n", "m.py")
    assert not is_cosmetic_change(before, "def f(x):\n    return x + 1\n# y = 2\ny = 2\n", "m.py")


def test_a_space_inside_a_string_is_code() -> None:
    before, after = 'cmd = "--rm --user=root"\n', 'cmd = "--rm --user=root "\n'
    assert not is_cosmetic_change(before, after, "a.py")
    assert not is_cosmetic_change('s = "a b";\n', 's = "ab";\n', "a.c")
    assert is_cosmetic_change('s = "a b";\n', 's  =  "a b" ;\n', "a.c")


def test_python_indentation_is_code_but_its_width_is_not() -> None:
    block = "def f(x):\n    if x:\n        g()\n    h()\n"
    assert is_cosmetic_change(block, block.replace("    ", "  "), "m.py")
    assert is_cosmetic_change(block, block.replace("    ", "\t"), "m.py")
    # h() moved into the if: the control flow changed
    assert not is_cosmetic_change(block, block.replace("    h()", "        h()"), "m.py")
    # the same in C is layout only
    braces = "void f(int x) {\n    if (x) {\n        g();\n    }\n    h();\n}\n"
    assert is_cosmetic_change(braces, braces.replace("    h()", "        h()"), "m.c")
    call = "value = compute(a,\n                b)\n"
    assert is_cosmetic_change(call, call.replace("                b", "    b"), "m.py")
