"""Property: any rules file or attribution configuration (arbitrary TOML tables, values of
any type, regular expressions built from regex syntax) gives a RuleSet that classifies
hostile commits, or a RuleError/ConfigError naming where; never another exception."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.attribution import classify_commit, rules_from_config
from analyzer.attribution.rules import RuleSet, load_rules
from analyzer.config import AttributionConfig, load_config
from analyzer.errors import ConfigError, RuleError
from analyzer.models import Commit

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
REGEX_PIECES = st.sampled_from(
    [
        "a", "^", "$", ".", "*", "+", "?", "|", "(", ")", "[", "]", "{", "}", "\\", "\\d",
        "(?P<tool>", "(?P=tool)", "(?i)", "(?x)", "(?<=ab)", "(?<!a+)", "(?=x)", "{2,1}",
        "a{99999999999}", "\\1", "\\g<0>", "[z-a]", "(?#c)", "claude", "@", "\\b", "\x00",
    ]
)  # fmt: skip
REGEX = st.lists(REGEX_PIECES, min_size=0, max_size=8).map("".join)
SCALAR = st.one_of(
    TEXT,
    REGEX,
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=3))
KEYS = st.sampled_from(
    ["id", "tool", "tool_name", "where", "pattern", "class", "strength", "status", "key",
     "description", "extra", "Id", "pattern "]
)  # fmt: skip
VALID = {
    "id": "my-agent",
    "tool": "my-agent",
    "where": "trailer",
    "key": "Co-authored-by",
    "pattern": "my-agent",
    "class": "ai_assisted",
    "strength": "strong",
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def _toml_key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _table(header: str, table: dict[str, Any]) -> str:
    lines = [header] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


@st.composite
def rule_tables(draw: st.DrawFn) -> dict[str, Any]:
    """A valid rule with some keys given values of any type, removed, or added."""
    table: dict[str, Any] = dict(VALID)
    for _ in range(draw(st.integers(0, 4))):
        key = draw(KEYS)
        action = draw(st.sampled_from(["set", "delete", "regex", "choice"]))
        if action == "delete":
            table.pop(key, None)
        elif action == "regex":
            table[key] = draw(REGEX)
        elif action == "choice":
            table[key] = draw(st.sampled_from(["subject", "body", "author_email", "weak", "human"]))
        else:
            table[key] = draw(VALUE)
    return table


@st.composite
def rules_files(draw: st.DrawFn) -> str:
    parts = [_table("[[rule]]", t) for t in draw(st.lists(rule_tables(), max_size=3))]
    if draw(st.booleans()):
        parts.append(_table("[[unmarked]]", draw(st.dictionaries(KEYS, VALUE, max_size=3))))
    if draw(st.booleans()):
        parts.insert(0, f"{_toml_key(draw(st.sampled_from(['version', 'rule', 'unmarked', 'x'])))}"
                     f" = {_toml_value(draw(VALUE))}\n")  # fmt: skip
    if draw(st.integers(0, 9)) == 0:
        parts.append(draw(st.text(max_size=30)))  # and sometimes not TOML at all
    return "\n".join(parts)


HOSTILE_COMMITS = [
    Commit(
        sha="0" * 40,
        parents=(),
        author_name=name,
        author_email=email,
        authored_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        author_tz_minutes=0,
        committer_name=name,
        committer_email=email,
        committed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        committer_tz_minutes=0,
        message=message,
    )
    for name, email, message in [
        ("my-agent", "a@example.com", "Merge branch 'my-agent/x'\n\nCo-authored-by: x <a@b>"),
        ("\x1b[31m", "@", "a" * 10_000 + "\n\n" + "Co-authored-by: x\n" * 50),
        ("", "", ""),
    ]
]  # fmt: skip


def _usable(rules: RuleSet) -> None:
    for commit in HOSTILE_COMMITS:
        classify_commit(commit, rules)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rules")


RULE_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@RULE_SETTINGS
@given(text=rules_files())
def test_any_rules_file_loads_or_fails_with_a_rule_error_naming_it(text: str, work: Path) -> None:
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        path = Path(scratch) / "rules.toml"
        path.write_text(text, encoding="utf-8")
        try:
            rules = load_rules(AttributionConfig(rules_file=str(path)))
        except RuleError as exc:
            assert str(path) in str(exc), exc
            return
        _usable(rules)


@RULE_SETTINGS
@given(
    tables=st.lists(rule_tables(), max_size=3),
    disable=st.one_of(VALUE, st.lists(st.sampled_from(["my-agent", "claude-code-trailer"]))),
    limit=VALUE,
)
def test_any_attribution_configuration_loads_or_fails_with_a_config_error(
    tables: list[dict[str, Any]], disable: Any, limit: Any, work: Path
) -> None:
    text = _table("[attribution]", {"disable": disable, "squash_trailer_limit": limit})
    text += "\n".join(_table("[[attribution.rules]]", t) for t in tables)
    with tempfile.TemporaryDirectory(dir=work) as scratch:
        path = Path(scratch) / "jevons.toml"
        path.write_text(text, encoding="utf-8")
        try:
            rules = rules_from_config(load_config(file=path))
        except ConfigError as exc:  # RuleError is one
            assert str(path) in str(exc), exc
            return
        _usable(rules)
