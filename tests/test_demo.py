"""``jevons demo``: every step runs, reports or is skipped in plain words; nothing crashes.

The step table is data, so these tests run the real runner over small step tables whose
functions live here (found by import, like the real parts), and the whole command once
on the real pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.demo import (
    STORE_FILE,
    DemoContext,
    DemoResult,
    DemoStep,
    StepOutcome,
    dashboard_decision,
    outcome_line,
    run_demo,
)
from analyzer.errors import NotBuiltYetError

CALLS: list[str] = []


def write_store(ctx: DemoContext) -> str:
    CALLS.append("write_store")
    ctx.db.write_text("a store")
    return "wrote the store"


def break_down(ctx: DemoContext) -> str:
    raise ValueError("the linker tripped over\n  a bad record")


def refuse(ctx: DemoContext) -> str:
    raise NotBuiltYetError("reports are not built yet")


def pretend_generate(ctx: DemoContext) -> str:
    ctx.truth = {"fingerprint": ctx.scenario}
    return "sample ready"


def _step(
    part: str, function: str, *, needs: tuple[str, ...] = (), outputs: tuple[str, ...] = ()
) -> DemoStep:
    return DemoStep(part, (function,), lambda fn, ctx: fn(ctx), needs, outputs)


def _statuses(result: DemoResult) -> dict[str, str]:
    return {o.part: o.status for o in result.outcomes}


def test_a_part_not_built_yet_is_said_plainly_and_the_rest_still_runs(tmp_path: Path) -> None:
    steps = (
        _step("reports", "analyzer.reports.not_a_module_yet:write_report"),
        _step("review", "tests.test_demo:no_such_function"),
        _step("mining", "tests.test_demo:write_store", outputs=(STORE_FILE,)),
        _step("quarterly review", "tests.test_demo:refuse"),
    )
    result = run_demo("jevons-volume", tmp_path, steps=steps)
    assert _statuses(result) == {
        "reports": "not built",
        "review": "not built",
        "mining": "done",
        "quarterly review": "not built",
    }
    assert outcome_line(result.outcomes[0]) == "-- reports: not built yet"
    assert (tmp_path / STORE_FILE).read_text() == "a store"


def test_a_failing_part_is_one_line_and_steps_that_need_it_are_skipped(tmp_path: Path) -> None:
    steps = (
        _step("linking", "tests.test_demo:break_down"),
        _step("analysis", "tests.test_demo:write_store", needs=("linking",)),
        _step("mining", "tests.test_demo:write_store"),
    )
    seen: list[StepOutcome] = []
    result = run_demo("jevons-volume", tmp_path, steps=steps, on_step=seen.append)
    assert _statuses(result) == {"linking": "failed", "analysis": "skipped", "mining": "done"}
    assert [o.part for o in seen] == ["linking", "analysis", "mining"]
    assert outcome_line(seen[0]) == "!! linking: failed: the linker tripped over a bad record"
    assert outcome_line(seen[1]) == "-- analysis: skipped: needs linking"


def test_a_second_run_reuses_what_is_up_to_date(tmp_path: Path) -> None:
    steps = (_step("mining", "tests.test_demo:write_store", outputs=(STORE_FILE,)),)
    CALLS.clear()
    first = run_demo("jevons-volume", tmp_path, steps=steps)
    second = run_demo("jevons-volume", tmp_path, steps=steps)
    assert _statuses(first) == {"mining": "done"} and _statuses(second) == {"mining": "reused"}
    assert CALLS == ["write_store"]
    (tmp_path / STORE_FILE).unlink()
    third = run_demo("jevons-volume", tmp_path, steps=steps)
    assert _statuses(third) == {"mining": "done"} and CALLS == ["write_store"] * 2


def test_another_sample_scenario_starts_from_an_empty_store(tmp_path: Path) -> None:
    steps = (
        _step("sample repository", "tests.test_demo:pretend_generate"),
        _step("mining", "tests.test_demo:write_store", outputs=(STORE_FILE,)),
    )
    run_demo("one-scenario", tmp_path, steps=steps)
    (tmp_path / STORE_FILE).write_text("mined from the first scenario")
    result = run_demo("another-scenario", tmp_path, steps=steps)
    assert _statuses(result) == {"sample repository": "done", "mining": "done"}
    assert (tmp_path / STORE_FILE).read_text() == "a store"
    state = json.loads((tmp_path / ".demo-state.json").read_text())
    assert state["scenario"] == "another-scenario"


def _result_with_store(tmp_path: Path, *, store: bool) -> DemoResult:
    ctx = DemoContext("jevons-volume", tmp_path)
    if store:
        ctx.db.write_text("a store")
    return DemoResult(ctx, ())


@pytest.mark.parametrize(
    ("no_dashboard", "interactive", "store", "sentence"),
    [
        (True, True, True, "Dashboard: not started (--no-dashboard)"),
        (False, False, True, "Dashboard: not started because this is not an interactive terminal"),
        (False, True, False, "Dashboard: not started because no store was written"),
    ],
)
def test_the_dashboard_starts_only_in_a_terminal_with_a_store(
    tmp_path: Path, no_dashboard: bool, interactive: bool, store: bool, sentence: str
) -> None:
    result = _result_with_store(tmp_path, store=store)
    launcher, said = dashboard_decision(result, no_dashboard=no_dashboard, interactive=interactive)
    assert launcher is None
    assert said.startswith(sentence)


def test_in_a_terminal_with_a_store_the_dashboard_launcher_is_chosen(tmp_path: Path) -> None:
    result = _result_with_store(tmp_path, store=True)
    launcher, said = dashboard_decision(result, no_dashboard=False, interactive=True)
    if launcher is None:
        assert said == "dashboard: not built yet"
    else:
        assert launcher.__name__ == "launch_dashboard"
        assert said.startswith("Starting the dashboard on localhost")


@pytest.mark.slow
def test_jevons_demo_runs_the_pipeline_headless_and_ends_with_the_summary(
    tmp_path: Path,
) -> None:
    out = tmp_path / "demo-output"
    outcome = CliRunner().invoke(app, ["demo", "--out", str(out)])
    text = " ".join(outcome.output.split())
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), text
    assert "ok sample repository" in text
    assert "Summary (" in text
    assert "the scenario's truth: volume" in text
    assert "Dashboard: not started because this is not an interactive terminal" in text
    assert "!!" not in text, text
    assert outcome.exit_code == 0
    assert (out / STORE_FILE).exists()
    rerun = CliRunner().invoke(app, ["demo", "--out", str(out), "--no-dashboard"])
    assert "ok mining: reused: up to date" in " ".join(rerun.output.split())
