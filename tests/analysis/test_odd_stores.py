"""``jevons analyze`` on odd but valid stores: it always exits 0 and prints its document.

Hypothesis draws stores from the synthetic generator with extreme settings (a single week,
no AI or only AI, no incidents or an incident from every change, one author, weeks with no
commit at all) and runs the command as a user would. An odd store is still valid data: the
analysis may find too little to say, and must say so, never crash.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzer.analysis.synthetic import CLASSES, SyntheticSpec, build_store
from tests.support.cli_runs import run_main

pytestmark = pytest.mark.slow

SHARES = st.sampled_from([0.0, 1.0, 0.3])
RATES = st.sampled_from([0.0, 0.05, 0.6])


@st.composite
def odd_specs(draw: st.DrawFn) -> SyntheticSpec:
    weeks = draw(st.integers(1, 70))
    return SyntheticSpec(
        weeks=weeks,
        adoption_week=draw(st.integers(0, weeks)),
        commits_per_week_before=draw(st.sampled_from([0.3, 3.0, 12.0])),
        commits_per_week_after=draw(st.sampled_from([0.3, 3.0, 12.0])),
        ai_share_before=draw(SHARES),
        ai_share_after=draw(SHARES),
        ramp_weeks=draw(st.integers(1, 8)),
        automation_share=draw(st.sampled_from([0.0, 0.05, 1.0])),
        rate_before={c: draw(RATES) for c in CLASSES},
        rate_after={c: draw(RATES) for c in CLASSES},
        unlinked_per_week_before=draw(st.sampled_from([0.0, 0.4, 3.0])),
        unlinked_per_week_after=draw(st.sampled_from([0.0, 0.4, 3.0])),
        authors=draw(st.integers(1, 4)),
        files=draw(st.sampled_from([1, 40])),
        seed=draw(st.integers(0, 2**16)),
    )


def _empty_weeks(db: Path, spec: SyntheticSpec, weeks: list[int]) -> None:
    """Remove every commit (and its links and file changes) made in ``weeks``."""
    with duckdb.connect(str(db)) as conn:
        for week in weeks:
            start = dt.datetime.combine(spec.start, dt.time()) + dt.timedelta(weeks=week)
            end = start + dt.timedelta(weeks=1)
            in_week = "committed_at >= $1 AND committed_at < $2"
            for table in ("incident_links", "file_changes", "commit_churn"):
                conn.execute(
                    f"DELETE FROM {table} WHERE sha IN (SELECT sha FROM commits WHERE {in_week})",
                    [start, end],
                )
            conn.execute(f"DELETE FROM commits WHERE {in_week}", [start, end])


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same stores on every run; raise max_examples to search wider
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spec=odd_specs(),
    empty=st.lists(st.integers(0, 69), max_size=3),
    as_json=st.booleans(),
    adoption=st.sampled_from([None, "2023-03-01", "2030-01-01"]),
)
@example(  # seen: an all-AI history with one empty week crashed in the Granger test
    spec=SyntheticSpec(
        weeks=40,
        adoption_week=0,
        ai_share_before=1.0,
        ai_share_after=1.0,
        automation_share=0.0,
        unlinked_per_week_before=1.0,
        unlinked_per_week_after=1.0,
    ),
    empty=[0],
    as_json=True,
    adoption=None,
)
def test_analyze_exits_zero_on_any_valid_store(
    spec: SyntheticSpec,
    empty: list[int],
    as_json: bool,
    adoption: str | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "odd.duckdb"
        build_store(db, spec)
        _empty_weeks(db, spec, [w for w in empty if w < spec.weeks])
        args = ["analyze", "--db", str(db), *(["--json"] if as_json else [])]
        args += ["--adoption-date", adoption] if adoption else []
        run = run_main(args, monkeypatch, capsys)
    assert run.code == 0, run.err
    if as_json:
        document = json.loads(run.out)
        assert document["verdict"]["primary_driver"] in (
            "volume",
            "mix",
            "rate",
            "none",
            "inconclusive",
        )
    else:
        assert run.out.strip()
