"""The Jevons decomposition: hand-worked splits, exact sums, absent classes, the bootstrap."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.analysis.decomposition import (
    DecompositionInput,
    PeriodCounts,
    class_rates,
    decompose_incident_change,
    decomposition_input,
    default_periods,
    plan_imputation,
    shapley_effects,
)
from analyzer.analysis.result import Period


def counts(changes: list[float], incidents: list[float]) -> PeriodCounts:
    return PeriodCounts(np.array(changes, dtype=float), np.array(incidents, dtype=float))


def test_one_class_doubling_volume_and_rate_splits_the_rise_evenly() -> None:
    # 100 changes at 0.1 -> 200 changes at 0.2: incidents 10 -> 40.
    # Shapley: volume = 1/2 (100 x 0.1 + 100 x 0.2) = 15, rate = 1/2 (100 x 0.1 + 200 x 0.1) = 15
    effects = shapley_effects(counts([100], [10]), counts([200], [40]))
    assert effects.volume == pytest.approx(15.0)
    assert effects.rate == pytest.approx(15.0)
    assert effects.mix == pytest.approx(0.0)


def test_new_riskier_class_is_a_mix_effect_not_a_rate_effect() -> None:
    # A: 100 human changes, 10 incidents; no AI. B: the same humans plus 100 AI changes
    # with 30 incidents. The AI rate before adoption is imputed as its rate after (the
    # human rate did not move), so rates do not change: volume and mix share the rise.
    # s.r goes 0.1 -> 0.2; volume = 1/2 x 100 x (0.1 + 0.2) = 15; mix = 1/2 x (100 + 200)
    # x 0.1 = 15.
    effects = shapley_effects(counts([100, 0], [10, 0]), counts([100, 100], [10, 30]))
    assert effects.volume == pytest.approx(15.0)
    assert effects.mix == pytest.approx(15.0)
    assert effects.rate == pytest.approx(0.0)


def test_new_class_in_a_period_when_every_rate_doubled_is_a_rate_effect() -> None:
    # Human 1000 @ 0.1 -> 1000 @ 0.2 (a trend a Poisson test plainly shows), AI 0 -> 1000
    # @ 0.2. The AI class is imputed to have moved with the human class (0.2 / 2 = 0.1
    # before), so rates are equal within each period and the shift in mix explains
    # nothing: volume = 1/2 (1000 x 0.1 + 1000 x 0.2) = 150, rate = 1/2 (1000 x 0.1 + 2000
    # x 0.1) = 150, mix 0.
    effects = shapley_effects(counts([1000, 0], [100, 0]), counts([1000, 1000], [200, 200]))
    assert effects.mix == pytest.approx(0.0)
    assert effects.volume == pytest.approx(150.0)
    assert effects.rate == pytest.approx(150.0)


def test_a_trend_the_data_do_not_show_is_not_carried_to_a_new_class() -> None:
    # Human 10 -> 12 incidents per 100 changes is noise (Poisson test p > 0.05): the new AI
    # class keeps its own rate, 0.3, in period A, so it adds nothing to the rate effect.
    a, b = counts([100, 0], [10, 0]), counts([100, 100], [12, 30])
    plan = plan_imputation(a, b)
    assert not plan.carry_trend
    rate_a, rate_b = class_rates(a, b, plan)
    assert rate_a.tolist() == pytest.approx([0.10, 0.30])
    assert rate_b.tolist() == pytest.approx([0.12, 0.30])
    effects = shapley_effects(a, b)
    # the human change only: 0.02 x its changes under each coalition of the other factors,
    # Shapley-weighted: {} 100, {N} 200, {s} 100 x 0.5, {N, s} 200 x 0.5
    human_changes = 100 / 3 + 200 / 6 + 50 / 6 + 100 / 3
    assert effects.rate == pytest.approx(0.02 * human_changes)


def test_small_class_keeps_the_sum_exact_with_its_residual_in_the_rate_effect() -> None:
    # AI has 5 changes and 2 incidents before adoption: too few to measure (minimum 30),
    # so its rate there is imputed as 0.3 and the endpoint residual (2 - 5 x 0.3 = 0.5)
    # goes to the rate effect with a minus sign (it is period A's).
    effects = shapley_effects(counts([100, 5], [10, 2]), counts([100, 100], [10, 30]))
    share_rate_a, share_rate_b = (100 * 0.1 + 5 * 0.3) / 105, 0.2
    assert effects.volume == pytest.approx(0.5 * 95 * (share_rate_a + share_rate_b))
    assert effects.mix == pytest.approx(0.5 * (105 + 200) * (share_rate_b - share_rate_a))
    assert effects.rate == pytest.approx(-0.5)
    assert effects.volume + effects.mix + effects.rate == pytest.approx(40 - 12)


period_counts = st.lists(st.tuples(st.integers(0, 500), st.integers(0, 60)), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(period_counts, period_counts)
def test_effects_always_sum_exactly_to_the_change_in_code_caused_incidents(
    a_rows: list[tuple[int, int]], b_rows: list[tuple[int, int]]
) -> None:
    size = max(len(a_rows), len(b_rows))
    a_rows = a_rows + [(0, 0)] * (size - len(a_rows))
    b_rows = b_rows + [(0, 0)] * (size - len(b_rows))
    a = counts([float(c) for c, _ in a_rows], [float(i) for _, i in a_rows])
    b = counts([float(c) for c, _ in b_rows], [float(i) for _, i in b_rows])
    effects = shapley_effects(a, b)
    total = b.incidents.sum() - a.incidents.sum()
    assert effects.volume + effects.mix + effects.rate == pytest.approx(total, abs=1e-9)


def test_effects_are_computed_per_replicate_along_a_leading_axis() -> None:
    a = counts([100, 0], [10, 0])
    b = counts([100, 100], [10, 30])
    stacked_a = PeriodCounts(np.stack([a.changes] * 3), np.stack([a.incidents] * 3))
    stacked_b = PeriodCounts(np.stack([b.changes] * 3), np.stack([b.incidents] * 3))
    batch = shapley_effects(stacked_a, stacked_b, plan=plan_imputation(a, b))
    one = shapley_effects(a, b)
    assert np.allclose(batch.volume, one.volume) and np.allclose(batch.mix, one.mix)


def _input(unlinked_a: int = 5, unlinked_b: int = 9) -> DecompositionInput:
    return DecompositionInput(
        classes=("human", "ai_assisted"),
        changes_a=np.array([400.0, 0.0]),
        changes_b=np.array([400.0, 300.0]),
        incident_classes_a=np.tile([1.0, 0.0], (20, 1)),
        incident_classes_b=np.vstack(
            [np.tile([1.0, 0.0], (20, 1)), np.tile([0.0, 1.0], (45, 1)), [[0.5, 0.5]] * 2]
        ),
        unlinked_a=unlinked_a,
        unlinked_b=unlinked_b,
    )


PERIODS = (
    Period(dt.date(2024, 1, 1), dt.date(2024, 7, 1), "A"),
    Period(dt.date(2024, 7, 1), dt.date(2025, 1, 1), "B"),
)


def test_decomposition_parts_add_up_to_the_observed_change_in_incidents() -> None:
    d = decompose_incident_change(_input(), PERIODS, replicates=300, seed=1)
    assert d.code_caused_change.value == pytest.approx(67 - 20)
    parts = (d.volume_effect.value or 0) + (d.mix_effect.value or 0) + (d.rate_effect.value or 0)
    assert parts == pytest.approx(d.code_caused_change.value)
    assert d.unlinked_incidents.change.value == 9 - 5
    assert d.incident_change.value == pytest.approx(47 + 4)
    assert (d.incidents_a, d.incidents_b) == (25, 76)


def test_bootstrap_is_seeded_and_its_intervals_hold_the_point_estimate() -> None:
    first = decompose_incident_change(_input(), PERIODS, replicates=400, seed=11)
    again = decompose_incident_change(_input(), PERIODS, replicates=400, seed=11)
    other = decompose_incident_change(_input(), PERIODS, replicates=400, seed=12)
    assert first.mix_effect == again.mix_effect
    assert first.mix_effect.ci_low != other.mix_effect.ci_low
    for effect in (first.volume_effect, first.mix_effect, first.code_caused_change):
        assert effect.ci_low is not None and effect.ci_high is not None
        assert effect.ci_low <= (effect.value or 0) <= effect.ci_high


def test_absent_class_is_reported_as_imputed_not_as_a_zero_rate() -> None:
    d = decompose_incident_change(_input(), PERIODS, replicates=50, seed=1)
    ai = next(c for c in d.classes if c.authorship == "ai_assisted")
    assert ai.changes_a == 0 and ai.rate_a_imputed and not ai.rate_b_imputed
    # AI after: (45 + 2 x 0.5) / 300; the human rate barely moved (20/400 -> 21/400), a
    # trend no test would show, so AI keeps its own rate before adoption
    assert ai.rate_b == pytest.approx(46 / 300)
    assert ai.rate_a == pytest.approx(46 / 300)


def test_incidents_are_split_equally_among_their_inducing_commits_classes_by_date() -> None:
    stamp = pd.Timestamp
    changes = pd.DataFrame(
        {
            "committed_at": [stamp("2024-02-01"), stamp("2024-08-01"), stamp("2024-08-02")],
            "authorship": ["human", "human", "ai_assisted"],
        }
    )
    incidents = pd.DataFrame(
        {
            "incident_id": ["I1", "I2", "I3"],
            "created_at": [stamp("2024-03-01"), stamp("2024-08-10"), stamp("2024-09-01")],
            "code_caused": [True, True, False],
        }
    )
    inducing = pd.DataFrame(
        {
            "incident_id": ["I1", "I2", "I2"],
            "authorship": ["human", "human", "ai_assisted"],
            "weight": [1.0, 0.5, 0.5],
        }
    )
    data = decomposition_input(changes, incidents, inducing, PERIODS, ("human", "ai_assisted"))
    assert data.changes_a.tolist() == [1, 0] and data.changes_b.tolist() == [1, 1]
    assert data.incident_classes_a.tolist() == [[1.0, 0.0]]
    assert data.incident_classes_b.tolist() == [[0.5, 0.5]]
    assert (data.unlinked_a, data.unlinked_b) == (0, 1)


def test_default_periods_are_equal_windows_either_side_of_adoption() -> None:
    a, b = default_periods(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 4, 1)) or ()
    assert (a.start, a.end, b.start, b.end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 4, 1),
        dt.date(2024, 4, 1),
        dt.date(2024, 7, 1),
    )
    halves = default_periods(dt.date(2024, 1, 1), dt.date(2024, 1, 10), None)
    assert halves is not None
    assert (halves[0].end - halves[0].start) == (halves[1].end - halves[1].start)
    assert default_periods(dt.date(2024, 1, 1), dt.date(2024, 1, 1), None) is None
