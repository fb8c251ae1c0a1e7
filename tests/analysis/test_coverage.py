"""When incident records begin: read from the incidents' density, not from the first one."""

from __future__ import annotations

import pandas as pd

from analyzer.analysis.coverage import incident_records_start

DAY0 = pd.Timestamp("2024-01-01")


def _changes(days: int = 700) -> pd.DataFrame:
    return pd.DataFrame({"committed_at": [DAY0 + pd.Timedelta(days=d) for d in range(days)]})


def _incidents(*days: float) -> pd.DataFrame:
    return pd.DataFrame({"created_at": [DAY0 + pd.Timedelta(days=d) for d in days]})


def _weekly(start: int, end: int = 700) -> list[float]:
    return [float(d) for d in range(start, end, 7)]


def test_records_that_begin_late_start_at_their_first_incident() -> None:
    assert incident_records_start(_changes(), _incidents(*_weekly(300))) == DAY0 + pd.Timedelta(
        days=300
    )


def test_a_stray_early_incident_does_not_hide_that_records_begin_late() -> None:
    # one old ticket from day 10, then an incident a week from day 300: the first
    # incident alone said the records covered everything
    start = incident_records_start(_changes(), _incidents(10, *_weekly(300)))
    assert start == DAY0 + pd.Timedelta(days=300)


def test_two_strays_are_still_strays() -> None:
    start = incident_records_start(_changes(), _incidents(10, 120, *_weekly(300)))
    assert start == DAY0 + pd.Timedelta(days=300)


def test_records_from_the_start_are_complete() -> None:
    assert incident_records_start(_changes(), _incidents(*_weekly(3))) is None


def test_incidents_that_merely_grow_more_frequent_are_not_a_late_start() -> None:
    # one a fortnight for a year, then one every three days: rarer, not unrecorded
    rising = [*[float(d) for d in range(2, 350, 14)], *[float(d) for d in range(350, 700, 3)]]
    assert incident_records_start(_changes(), _incidents(*rising)) is None
