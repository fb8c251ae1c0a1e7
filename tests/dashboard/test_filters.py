"""Calendar quarters, the periods the Jevons page compares."""

from __future__ import annotations

import datetime as dt

from dashboard.filters import quarters


def test_quarters_cover_the_range_and_cross_years() -> None:
    found = quarters(dt.date(2024, 8, 20), dt.date(2025, 1, 3))
    assert [q.label for q in found] == ["2024 Q3", "2024 Q4", "2025 Q1"]
    assert found[0].start == dt.date(2024, 7, 1)
    assert found[1].end == dt.date(2025, 1, 1) == found[2].start
    assert found[2].end == dt.date(2025, 4, 1)


def test_a_range_inside_one_quarter_is_one_quarter() -> None:
    assert [q.label for q in quarters(dt.date(2025, 5, 1), dt.date(2025, 5, 2))] == ["2025 Q2"]
