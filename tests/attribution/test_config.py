"""Users extend, override and disable rules; a broken rules file fails with the file, the rule
and the problem, and the command line shows it as one line with a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.attribution import classify_commit, load_rules, rules_from_config
from analyzer.config import AttributionConfig, load_config
from analyzer.errors import RuleError
from tests.attribution.test_rules import read_commits
from tests.support.repo_builder import RepoBuilder

IN_HOUSE_AGENT = """
[attribution]
disable = ["claude-code-footer"]

[[attribution.rules]]
id = "acme-robot-author"
tool = "acme-robot"
tool_name = "ACME's in-house coding agent"
where = "author_email"
pattern = '^robot@agents\\.example\\.com$'
class = "ai_authored"
strength = "strong"
description = "our agent commits as robot@agents.example.com"
"""


def run_jevons(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_in_house_agent_and_disabled_rule_from_jevons_toml(
    tmp_path: Path, repo: RepoBuilder
) -> None:
    (tmp_path / "jevons.toml").write_text(IN_HOUSE_AGENT)
    rules = rules_from_config(load_config(tmp_path))
    robot = repo.commit(
        "Add pagination", {"a.py": "a\n"}, author=("ACME Robot", "robot@agents.example.com")
    )
    footer = repo.commit(
        "Add sorting\n\n🤖 Generated with [Claude Code](https://claude.ai/code)", {"b.py": "b\n"}
    )
    commits = read_commits(repo.path)
    robot_label = classify_commit(commits[robot], rules)
    assert (robot_label.authorship, robot_label.ai_tool) == ("ai_authored", "acme-robot")
    assert "ACME's in-house coding agent" in robot_label.evidence
    assert classify_commit(commits[footer], rules).authorship == "human"
    assert classify_commit(commits[footer], load_rules()).authorship == "ai_assisted"
    assert rules.disabled == ("claude-code-footer",)


def test_user_rule_with_a_built_in_id_replaces_it_in_place() -> None:
    weaker = {
        "id": "copilot-vscode-coauthor",
        "tool": "copilot-vscode",
        "where": "coauthor_email",
        "pattern": r"^copilot@github\.com$",
        "class": "ai_assisted",
        "strength": "strong",
    }
    builtin = load_rules()
    rules = load_rules(AttributionConfig(rules=(weaker,)))
    assert [r.id for r in rules.rules] == [r.id for r in builtin.rules]
    replaced = rules.get("copilot-vscode-coauthor")
    assert replaced is not None and replaced.strength == "strong"
    assert replaced.source == "[tool.jevons.attribution]"


def test_rules_file_is_read_beside_the_pyproject_that_names_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.jevons.attribution]\nrules_file = "ai-rules.toml"\n'
    )
    (tmp_path / "ai-rules.toml").write_text(
        "[[rule]]\n"
        'id = "acme-trailer"\ntool = "acme"\nwhere = "trailer"\nkey = "Acme-Agent"\n'
        'pattern = \'.\'\nclass = "ai_assisted"\nstrength = "strong"\n'
    )
    rules = rules_from_config(load_config(tmp_path))
    rule = rules.get("acme-trailer")
    assert rule is not None and rule.source == str(tmp_path / "ai-rules.toml")


def test_disabling_an_unknown_rule_is_an_error_naming_it() -> None:
    with pytest.raises(RuleError, match=r"disable names unknown rule.*'claude-footer'"):
        load_rules(AttributionConfig(disable=("claude-footer",)))


def write_rules(tmp_path: Path, text: str) -> AttributionConfig:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return AttributionConfig(rules_file=str(path))


GOOD_RULE = """[[rule]]
id = "acme-first"
tool = "acme"
where = "subject"
pattern = '^acme:'
class = "ai_assisted"
strength = "strong"
"""


def test_toml_syntax_error_names_file_rule_and_problem(tmp_path: Path) -> None:
    broken = GOOD_RULE + '\n[[rule]]\nid = "acme-second"\ntool = "acme\nwhere = "subject"\n'
    config = write_rules(tmp_path, broken)
    with pytest.raises(RuleError) as caught:
        load_rules(config)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'rules.toml'}: not valid TOML in rule 'acme-second'")
    assert "line 11" in message


def test_invalid_regex_names_file_rule_and_problem(tmp_path: Path) -> None:
    config = write_rules(tmp_path, GOOD_RULE.replace("'^acme:'", "'^acme:(unclosed'"))
    with pytest.raises(RuleError) as caught:
        load_rules(config)
    assert str(caught.value) == (
        f"{tmp_path / 'rules.toml'} rule[0] (rule 'acme-first'): invalid regular expression "
        "in 'pattern' '^acme:(unclosed': missing ), unterminated subpattern at position 6"
    )


def test_a_repeat_count_too_large_for_the_regex_engine_is_a_rule_error(tmp_path: Path) -> None:
    """Found by Hypothesis: ``{4300000000}`` raised OverflowError, not ``re.error``."""
    config = write_rules(tmp_path, GOOD_RULE.replace("'^acme:'", "'^acme:{4300000000}'"))
    with pytest.raises(RuleError, match=r"rule\[0\] \(rule 'acme-first'\): invalid regular"):
        load_rules(config)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('class = "ai_assisted"', 'class = "robot"'), "class must be one of ai_authored"),
        (('where = "subject"', 'where = "display_name"'), "where must be one of author_email"),
        (('strength = "strong"', 'strength = "certain"'), "strength must be one of strong, weak"),
        (('tool = "acme"\n', ""), "missing tool"),
        (('tool = "acme"', 'tool = "acme"\nkey = "Acme"'), "'key' (the trailer key) is needed"),
        (('id = "acme-first"', 'id = "Acme First"'), "id must be lower-case words"),
        (("pattern = ", 'patern = "x"\npattern = '), "unknown key(s) patern"),
        (("pattern = ", 'exact_address = "yes"\npattern = '), "'exact_address' must be true"),
        (("pattern = ", "exact_address = true\npattern = "), "applies to where = 'trailer' only"),
    ],
)
def test_invalid_rule_fields_are_named(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    config = write_rules(tmp_path, GOOD_RULE.replace(*change))
    with pytest.raises(RuleError) as caught:
        load_rules(config)
    assert str(caught.value).startswith(f"{tmp_path / 'rules.toml'} rule[0] (rule '")
    assert problem in str(caught.value)


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(RuleError, match=f"{missing}: rules file not found"):
        load_rules(AttributionConfig(rules_file=str(missing)))


def test_a_duplicate_id_in_one_file_is_an_error(tmp_path: Path) -> None:
    config = write_rules(tmp_path, GOOD_RULE + "\n" + GOOD_RULE)
    with pytest.raises(RuleError, match="rule id 'acme-first' is defined twice"):
        load_rules(config)


def test_cli_lists_the_rules_in_force_with_the_users_own(tmp_path: Path) -> None:
    (tmp_path / "jevons.toml").write_text(IN_HOUSE_AGENT)
    result = run_jevons("attribution", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "acme-robot-author" in result.stdout
    assert "copilot-agent-author" in result.stdout
    assert "claude-code-footer" not in result.stdout.split("disabled by")[0]
    assert "disabled by your configuration: claude-code-footer" in result.stdout


def test_rules_written_to_a_pipe_are_not_squeezed_into_80_columns(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "attribution", "rules"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},  # no COLUMNS: Rich would use 80 for a pipe
    )
    assert result.returncode == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if "claude-code-coauthor " in line]
    assert "│ coauthor_email " in row and r"│ ^noreply@anthropic\.com$ " in row


def test_cli_reports_a_bad_rules_file_in_one_line_and_fails(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(GOOD_RULE.replace("'^acme:'", "'(?<=a+)b'"))
    (tmp_path / "jevons.toml").write_text('[attribution]\nrules_file = "bad.toml"\n')
    result = run_jevons("attribution", "rules", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bad.toml rule[0] (rule 'acme-first'): invalid regular expression" in lines[0]
