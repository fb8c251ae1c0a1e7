"""The verdict's words when the parts of a change pull in opposite directions: a share of
the net change above 100% is said as what it is, not printed as a percentage."""

from __future__ import annotations

import datetime as dt

from analyzer.analysis.result import (
    CountModel,
    Decomposition,
    Estimate,
    Period,
    UnlinkedIncidents,
)
from analyzer.analysis.verdict import decide_verdict

NO_MODEL = CountModel(None, "", 0, 0, None, (), "not fitted")
PERIODS = (
    Period(dt.date(2025, 1, 1), dt.date(2025, 7, 1), "H1 2025"),
    Period(dt.date(2025, 7, 1), dt.date(2026, 1, 1), "H2 2025"),
)


def _decomposition(
    code: Estimate,
    unlinked: Estimate,
    effects: tuple[Estimate, Estimate, Estimate],
    separation: dict[str, Estimate],
    incidents: tuple[int, int],
) -> Decomposition:
    total = (code.value or 0.0) + (unlinked.value or 0.0)
    return Decomposition(
        period_a=PERIODS[0],
        period_b=PERIODS[1],
        incidents_a=incidents[0],
        incidents_b=incidents[1],
        incident_change=Estimate(total),
        code_caused_change=code,
        volume_effect=effects[0],
        mix_effect=effects[1],
        rate_effect=effects[2],
        unlinked_incidents=UnlinkedIncidents(20, 20 + int(unlinked.value or 0), unlinked),
        classes=(),
        separation=separation,
        method="test",
        replicates=100,
        seed=1,
    )


def test_no_code_cause_beyond_the_whole_change_is_said_in_words() -> None:
    # -8 incidents with no code cause, +2 code-caused: a net -6, of which -8 is "133%"
    d = _decomposition(
        Estimate(2.0, -1.0, 5.0),
        Estimate(-8.0, -12.0, -4.0),
        (Estimate(1.0, -1, 3), Estimate(0.5, -1, 2), Estimate(0.5, -1, 2)),
        {"unlinked-code": Estimate(-10.0, -15.0, -5.0)},
        (40, 34),
    )
    verdict = decide_verdict(d, (), NO_MODEL)
    assert verdict.primary_driver == "none"
    words = " ".join((verdict.statement, *verdict.reasons))
    assert "%" not in words
    assert "those with no code cause by -8" in verdict.statement
    assert "more than the whole change (-6): code-caused incidents moved the other way" in words


def test_an_effect_beyond_the_whole_code_caused_change_is_said_in_words() -> None:
    # rate +7.8 against volume -2.3 and mix -3.5: the code-caused change is +2.0
    d = _decomposition(
        Estimate(2.0, 0.5, 3.5),
        Estimate(0.0, -1.0, 1.0),
        (Estimate(-2.3, -4.8, -0.2), Estimate(-3.5, -5.5, -1.9), Estimate(7.8, 3.0, 12.0)),
        {
            "rate-volume": Estimate(10.1, 5.0, 15.0),
            "mix-rate": Estimate(-11.3, -16.0, -6.0),
            "mix-volume": Estimate(-1.2, -3.0, 0.5),
        },
        (30, 32),
    )
    verdict = decide_verdict(d, (), NO_MODEL)
    reason = next(r for r in verdict.reasons if r.startswith("rate explains"))
    assert reason.endswith("more than all of it: other effects pull the other way")
    assert "390%" not in " ".join(verdict.reasons)
    assert verdict.primary_driver == "rate"
    assert (
        "+2.0 from H1 2025 to H2 2025; the largest part, which other effects offset (+7.8"
        in verdict.statement
    )  # not "most of it": +7.8 is more than all of +2.0
