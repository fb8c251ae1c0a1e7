"""The scope of an analysis as a value: normalised when built, in words for captions."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer.errors import AnalysisError
from analyzer.scope import Scope


def test_strings_and_dates_build_the_same_scope() -> None:
    text = Scope(date_from="2025-01-01", date_to="2025-03-31", repo="api")
    dates = Scope(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 3, 31), repo="api")
    assert text == dates and hash(text) == hash(dates)
    assert Scope(date_from=dt.datetime(2025, 1, 1, 15, 30)).date_from == dt.date(2025, 1, 1)


def test_an_empty_string_is_no_limit() -> None:
    assert Scope(date_from="", repo="", path_prefix="", service="") == Scope()


def test_the_dates_are_whole_days_end_exclusive_in_utc() -> None:
    scope = Scope(date_from="2025-01-01", date_to="2025-03-31")
    assert scope.start == dt.datetime(2025, 1, 1)
    assert scope.end == dt.datetime(2025, 4, 1)
    assert Scope().start is None and Scope().end is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"date_from": "2024-13-01"}, "--from: '2024-13-01' is not a date (YYYY-MM-DD)"),
        ({"date_to": "tomorrow"}, "--to: 'tomorrow' is not a date (YYYY-MM-DD)"),
        (
            {"date_from": "2024-02-01", "date_to": "2024-01-01"},
            "--from 2024-02-01 is after --to 2024-01-01; swap them",
        ),
    ],
)
def test_a_bad_date_is_refused_naming_the_option(given: dict[str, str], message: str) -> None:
    with pytest.raises(AnalysisError) as caught:
        Scope(**given)
    assert str(caught.value) == message


def test_scope_in_words_names_every_filter_set() -> None:
    assert Scope().describe() == "all repositories"
    words = Scope(
        repo="api", date_to=dt.date(2025, 3, 31), path_prefix="src/", service="checkout"
    ).describe()
    assert words == ("repository api, the start to 2025-03-31, paths under src/, service checkout")
