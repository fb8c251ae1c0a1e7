"""The one wording module: each formatter on known, whole, negative and unknown values, and
the layering rule that lets the reports use it without the dashboard."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.wording import (
    NOT_KNOWN,
    class_label,
    class_words,
    figures,
    interval,
    number,
    p_value,
    percent,
    percent_interval,
    points,
    signed,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("formatted", "expected"),
    [
        (lambda: percent(0.423), "42%"),
        (lambda: percent(0.4237, 1), "42.4%"),
        (lambda: percent(None), "–"),
        (lambda: percent(math.nan, missing=NOT_KNOWN), "n/a"),
        (lambda: number(1234.0), "1,234"),
        (lambda: number(1234.56), "1,234.6"),
        (lambda: number(0.456, 2), "0.46"),
        (lambda: number(math.inf), "–"),
        (lambda: signed(3.21), "+3.2"),
        (lambda: signed(-1.0), "-1.0"),
        (lambda: signed(-1234.5, 0), "-1,234"),
        (lambda: signed(None, missing=NOT_KNOWN), "n/a"),
        (lambda: points(0.012), "+1.2 pts"),
        (lambda: points(-0.05, 0), "-5 pts"),
        (lambda: figures(0.03249), "0.032"),
        (lambda: figures(1.2e-5), "1.2e-05"),
        (lambda: p_value(0.0004), "<0.001"),
        (lambda: p_value(0.0321), "0.032"),
        (lambda: interval(1.4, 3.2, prefix=""), "1.40 to 3.20"),
        (lambda: interval(-1.25, 2.0, digits=1, sign=True, prefix=""), "-1.2 to +2.0"),
        (lambda: interval(None, 2.0, prefix="", missing=NOT_KNOWN), "n/a"),
        (lambda: interval(1.4, 3.2), "95% CI 1.40 to 3.20"),
        (lambda: interval(0.5, 2.25, digits=1), "95% CI 0.5 to 2.2"),
        (lambda: interval(-3.0, 4.5, digits=0, sign=True), "95% CI -3 to +4"),
        (lambda: interval(None, 3.0), "no interval"),
        (lambda: percent_interval(0.12, 0.4), "95% CI 12% to 40%"),
        (lambda: class_label("ai_authored"), "AI-authored"),
        (lambda: class_label("human"), "Human"),
        (lambda: class_words("human"), "human"),
        (lambda: class_words("automation"), "automation (bot)"),
        (lambda: class_words("pair_programmed"), "pair_programmed"),
    ],
)
def test_each_formatter_words_its_figure(formatted: Callable[[], str], expected: str) -> None:
    assert formatted() == expected


#: The one library module allowed to name the app: it starts it, and imports the package
#: only to find ``app.py``.
LAUNCHER = ROOT / "analyzer" / "dashboard_launch.py"


def test_nothing_in_the_library_imports_the_dashboard() -> None:
    offenders = []
    for path in sorted(set((ROOT / "analyzer").rglob("*.py")) - {LAUNCHER}):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name == "dashboard" or name.startswith("dashboard.")
            ]
    assert offenders == []
