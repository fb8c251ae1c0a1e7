"""The attribution rule table: load the built-in rules, add the user's, check every field.

A rule says where in a commit to look (an identity, a trailer, a footer line, the subject, a
merged branch), which regular expression to try, and what a match implies (a class and a
strength). Rules are data (``rules.toml`` beside this module); this module only reads and
validates them, so that a broken user rule fails with the file, the rule id and the problem.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

from analyzer.attribution.trailers import GIT_TRAILER_KEYS
from analyzer.config import AttributionConfig, Config
from analyzer.errors import BAD_REGEX_ERRORS, RuleError
from analyzer.models import AUTHORSHIP_CLASSES, Authorship

Where = Literal[
    "author_email",
    "author_name",
    "committer_email",
    "committer_name",
    "coauthor_email",
    "trailer",
    "body",
    "subject",
    "branch",
]
Strength = Literal["strong", "weak"]

WHERE_VALUES: tuple[str, ...] = get_args(Where)
CLASS_VALUES: tuple[str, ...] = tuple(str(c) for c in AUTHORSHIP_CLASSES)
STRENGTH_VALUES: tuple[str, ...] = get_args(Strength)
#: Where a match speaks for the commit's author rather than for a marker in its message.
AUTHOR_IDENTITY: frozenset[str] = frozenset({"author_email", "author_name"})

BUILTIN_SOURCE = "built-in rules.toml"
_ID_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REQUIRED = ("id", "tool", "where", "pattern", "class", "strength")
_OPTIONAL = ("tool_name", "key", "status", "description")
#: Optional fields that are booleans rather than strings.
_FLAGS = ("exact_address",)
_TOML_LINE = re.compile(r"at line (\d+)")
_ID_LINE = re.compile(r"""^\s*id\s*=\s*["']([^"']*)["']""")


@dataclasses.dataclass(frozen=True)
class Rule:
    """One marker: ``pattern`` tried on ``where`` implies ``rule_class`` with ``strength``."""

    id: str
    tool: str
    tool_name: str
    where: Where
    pattern: re.Pattern[str]
    rule_class: Authorship
    strength: Strength
    description: str
    key: re.Pattern[str] | None = None
    status: str = "read"
    source: str = BUILTIN_SOURCE
    exact_address: bool = False

    @property
    def is_author_identity(self) -> bool:
        return self.where in AUTHOR_IDENTITY

    @property
    def names_exact_address(self) -> bool:
        """A match names the tool's own address: a co-author e-mail, or a trailer rule marked
        ``exact_address`` (its pattern accepts only the tool's URL)."""
        return self.where == "coauthor_email" or self.exact_address


@dataclasses.dataclass(frozen=True)
class UnmarkedTool:
    """A tool known to leave no commit marker: its commits can only be labelled human."""

    tool: str
    tool_name: str
    note: str


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """The rules in force for one run, in precedence order, with their prefilters.

    ``prefilters`` holds, per ``where``, one alternation of every pattern tried there, so a
    commit that matches nothing (most commits) costs one regex search per place.
    """

    rules: tuple[Rule, ...]
    squash_trailer_limit: int = 5
    disabled: tuple[str, ...] = ()
    unmarked: tuple[UnmarkedTool, ...] = ()
    by_where: Mapping[str, tuple[Rule, ...]] = dataclasses.field(default_factory=dict)
    prefilters: Mapping[str, re.Pattern[str]] = dataclasses.field(default_factory=dict)
    order: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: Every trailer rule's ``key`` in one alternation (None when none, or they cannot combine).
    rule_keys: re.Pattern[str] | None = None

    @classmethod
    def build(
        cls,
        rules: Sequence[Rule],
        *,
        squash_trailer_limit: int = 5,
        disabled: Sequence[str] = (),
        unmarked: Sequence[UnmarkedTool] = (),
    ) -> RuleSet:
        by_where: dict[str, tuple[Rule, ...]] = {}
        for where in WHERE_VALUES:
            chosen = tuple(r for r in rules if r.where == where)
            if chosen:
                by_where[where] = chosen
        prefilters = {
            where: prefilter
            for where, chosen in by_where.items()
            if (prefilter := _alternation(chosen)) is not None
        }
        return cls(
            rules=tuple(rules),
            squash_trailer_limit=squash_trailer_limit,
            disabled=tuple(disabled),
            unmarked=tuple(unmarked),
            by_where=by_where,
            prefilters=prefilters,
            order={r.id: i for i, r in enumerate(rules)},
            rule_keys=_key_alternation(by_where.get("trailer", ())),
        )

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def is_known_trailer_key(self, key: str) -> bool:
        """A key git or the kernel documents, or one a trailer rule names."""
        if key.lower() in GIT_TRAILER_KEYS:
            return True
        if self.rule_keys is not None:
            return self.rule_keys.fullmatch(key) is not None
        trailer_rules = self.by_where.get("trailer", ())
        return any(r.key is not None and r.key.fullmatch(key) for r in trailer_rules)


def load_rules(
    config: AttributionConfig | None = None,
    *,
    base_dir: Path | None = None,
    config_source: str = "[tool.jevons.attribution]",
) -> RuleSet:
    """The built-in rules, then ``config.rules_file``'s, then ``config.rules``, minus
    ``config.disable``. A later rule with an earlier rule's id replaces it in place.

    ``base_dir`` resolves a relative ``rules_file`` (the configuration file's directory);
    ``config_source`` names the configuration in error messages.
    """
    config = config or AttributionConfig()
    builtin_text = resources.files("analyzer.attribution").joinpath("rules.toml").read_text("utf-8")
    rules, unmarked = parse_rules_text(builtin_text, BUILTIN_SOURCE)
    if config.rules_file:
        path = Path(config.rules_file)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        extra, extra_unmarked = read_rules_file(path)
        rules = _merge(rules, extra)
        unmarked = unmarked + extra_unmarked
    if config.rules:
        inline = [
            parse_rule(table, config_source, f"rules[{i}]") for i, table in enumerate(config.rules)
        ]
        rules = _merge(rules, inline)
    if config.squash_trailer_limit < 1:
        raise RuleError(
            f"{config_source}: squash_trailer_limit must be 1 or more, "
            f"not {config.squash_trailer_limit}"
        )
    known = {r.id for r in rules}
    unknown = [rule_id for rule_id in config.disable if rule_id not in known]
    if unknown:
        raise RuleError(
            f"{config_source}: disable names unknown rule(s) {', '.join(map(repr, unknown))}; "
            "`jevons attribution rules` lists the rule ids"
        )
    kept = [r for r in rules if r.id not in set(config.disable)]
    return RuleSet.build(
        kept,
        squash_trailer_limit=config.squash_trailer_limit,
        disabled=config.disable,
        unmarked=unmarked,
    )


def rules_from_config(config: Config) -> RuleSet:
    """The rules in force for a run configured by ``config`` (its ``attribution`` section);
    a relative ``rules_file`` is read beside the configuration file."""
    if config.source is None:
        return load_rules(config.attribution)
    source = Path(config.source)
    table = "[tool.jevons.attribution]" if source.name == "pyproject.toml" else "[attribution]"
    return load_rules(config.attribution, base_dir=source.parent, config_source=f"{source} {table}")


def read_rules_file(path: Path) -> tuple[list[Rule], tuple[UnmarkedTool, ...]]:
    """Parse a rules file (the built-in file's format: ``[[rule]]`` tables)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuleError(f"{path}: rules file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read the rules file: {exc}") from exc
    return parse_rules_text(text, str(path))


def parse_rules_text(text: str, source: str) -> tuple[list[Rule], tuple[UnmarkedTool, ...]]:
    """Parse the text of a rules file; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(_syntax_error_message(text, source, exc)) from exc
    unknown = sorted(set(data) - {"version", "rule", "unmarked"})
    if unknown:
        raise RuleError(
            f"{source}: unknown top-level key(s) {', '.join(unknown)} "
            "(expected [[rule]] and [[unmarked]] tables)"
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    rules = [parse_rule(table, source, f"rule[{i}]") for i, table in enumerate(tables)]
    _check_unique(rules, source)
    return rules, _parse_unmarked(data.get("unmarked", []), source)


def _parse_unmarked(tables: Any, source: str) -> tuple[UnmarkedTool, ...]:
    """``[[unmarked]]`` tables: tools known to leave no marker, each a table of strings."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RuleError(f"{source}: 'unmarked' must be an array of tables ([[unmarked]])")
    return tuple(
        UnmarkedTool(str(t.get("tool", "")), str(t.get("tool_name", "")), str(t.get("note", "")))
        for t in tables
    )


def parse_rule(table: Mapping[str, Any], source: str, position: str) -> Rule:
    """Check one rule table and compile its patterns; errors name ``source`` (the file or
    configuration table), ``position`` (``rule[3]``) and the rule's id."""
    if not isinstance(table, Mapping):
        raise RuleError(f"{source} {position}: a rule must be a table, not {table!r}")
    rule_id = str(table.get("id", "?"))
    label = f"{source} {position} (rule '{rule_id}')"
    _check_keys(table, label)
    values = {name: table[name] for name in (*_REQUIRED, *_OPTIONAL) if name in table}
    for name, value in values.items():
        if not isinstance(value, str):
            raise RuleError(f"{label}: '{name}' must be a string, not {value!r}")
    exact_address = table.get("exact_address", False)
    if not isinstance(exact_address, bool):
        raise RuleError(f"{label}: 'exact_address' must be true or false, not {exact_address!r}")
    if not _ID_SHAPE.match(rule_id):
        raise RuleError(f"{label}: id must be lower-case words joined by '-', like 'my-agent'")
    _check_choice(values["where"], WHERE_VALUES, "where", label)
    _check_choice(values["class"], CLASS_VALUES, "class", label)
    _check_choice(values["strength"], STRENGTH_VALUES, "strength", label)
    key = values.get("key")
    if (values["where"] == "trailer") != (key is not None):
        raise RuleError(f"{label}: 'key' (the trailer key) is needed with where = 'trailer' only")
    if exact_address and values["where"] != "trailer":
        raise RuleError(f"{label}: 'exact_address' applies to where = 'trailer' only")
    return Rule(
        id=rule_id,
        tool=values["tool"],
        tool_name=values.get("tool_name", values["tool"]),
        where=values["where"],
        pattern=_compile(values["pattern"], "pattern", label),
        rule_class=Authorship(values["class"]),
        strength=values["strength"],
        description=values.get("description", ""),
        key=_compile(key, "key", label) if key is not None else None,
        status=values.get("status", "read"),
        source=source,
        exact_address=exact_address,
    )


def _check_keys(table: Mapping[str, Any], label: str) -> None:
    missing = [name for name in _REQUIRED if name not in table]
    if missing:
        raise RuleError(f"{label}: missing {', '.join(missing)}")
    extra = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL) - set(_FLAGS))
    if extra:
        known = ", ".join((*_REQUIRED, *_OPTIONAL, *_FLAGS))
        raise RuleError(f"{label}: unknown key(s) {', '.join(extra)} (known: {known})")


def _check_choice(value: str, allowed: Iterable[str], name: str, label: str) -> None:
    if value not in allowed:
        raise RuleError(f"{label}: {name} must be one of {', '.join(allowed)}, not {value!r}")


def _compile(pattern: str, name: str, label: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    except BAD_REGEX_ERRORS as exc:
        raise RuleError(
            f"{label}: invalid regular expression in '{name}' {pattern!r}: {exc}"
        ) from exc


def _check_unique(rules: Sequence[Rule], source: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{source}: rule id '{rule.id}' is defined twice")
        seen.add(rule.id)


def _merge(base: Sequence[Rule], extra: Sequence[Rule]) -> list[Rule]:
    """``extra`` rules replace ``base`` rules of the same id in place, else come after them."""
    replacements = {r.id: r for r in extra}
    merged = [replacements.pop(r.id, r) for r in base]
    return merged + [r for r in extra if r.id in replacements]


def _alternation(rules: Sequence[Rule]) -> re.Pattern[str] | None:
    """One regex matching wherever any of ``rules`` matches, or None if they cannot combine
    (a pattern with inline global flags, or duplicate group names)."""
    try:
        return re.compile(
            "|".join(f"(?:{r.pattern.pattern})" for r in rules), re.IGNORECASE | re.MULTILINE
        )
    except re.error:
        return None


def _key_alternation(rules: Sequence[Rule]) -> re.Pattern[str] | None:
    keys = [f"(?:{r.key.pattern})" for r in rules if r.key is not None]
    try:
        return re.compile("|".join(keys), re.IGNORECASE) if keys else None
    except re.error:
        return None


def _syntax_error_message(text: str, source: str, exc: tomllib.TOMLDecodeError) -> str:
    """Name the rule whose table holds the line where the TOML broke, when it has an id."""
    found = _TOML_LINE.search(str(exc))
    rule_id = _rule_id_around(text.splitlines(), int(found.group(1)) - 1) if found else None
    rule_hint = f" in rule '{rule_id}'" if rule_id else ""
    return f"{source}: not valid TOML{rule_hint}: {exc}"


def _rule_id_around(lines: Sequence[str], index: int) -> str | None:
    """The ``id`` of the ``[[rule]]`` table that line ``index`` (0-based) belongs to."""
    start = next(
        (i for i in range(min(index, len(lines) - 1), -1, -1) if lines[i].strip() == "[[rule]]"),
        None,
    )
    if start is None:
        return None
    for line in lines[start + 1 :]:
        if line.lstrip().startswith("["):
            break
        if match := _ID_LINE.match(line):
            return match.group(1)
    return None
