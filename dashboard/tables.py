"""The analysis result reshaped into the rows pages chart and list: pure, no Streamlit.

Nothing here computes a figure; rows carry the analysis' own numbers, relabelled, and
the waterfall's bar positions are running sums of the decomposition's own effects.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analyzer.analysis import (
    EVIDENCE_WORDS,
    AnalysisResult,
    ClassProportion,
    Comparison,
    Decomposition,
    Estimate,
    TestResult,
)
from analyzer.wording import class_label
from dashboard.charts import class_order

_INTERVAL_COLUMNS = ["authorship", "label", "value", "ci_low", "ci_high", "n"]


def failure_rate_rows(result: AnalysisResult) -> pd.DataFrame:
    """Change failure rate per class: share of commits with an inducing link, Wilson CI."""
    return _proportion_rows(result.change_failure_rate)


def revert_rate_rows(result: AnalysisResult) -> pd.DataFrame:
    """Share of each class's commits later reverted, Wilson CI."""
    return _proportion_rows(result.reverts.by_class)


def _proportion_rows(rates: Mapping[str, ClassProportion]) -> pd.DataFrame:
    rows = [
        {
            "authorship": c,
            "label": class_label(c),
            "value": rates[c].rate,
            "ci_low": rates[c].ci_low,
            "ci_high": rates[c].ci_high,
            "n": rates[c].n,
            "failing": rates[c].count,
        }
        for c in class_order(list(rates))
    ]
    return _drop_unknown(pd.DataFrame(rows, columns=[*_INTERVAL_COLUMNS, "failing"]))


def incident_rate_rows(result: AnalysisResult) -> pd.DataFrame:
    """Incidents per 1,000 changed lines per class, exact Poisson CI."""
    rates = result.incident_rates.by_class
    rows = [
        {
            "authorship": c,
            "label": class_label(c),
            "value": rates[c].per_kloc,
            "ci_low": rates[c].ci_low,
            "ci_high": rates[c].ci_high,
            "n": rates[c].incidents,
        }
        for c in class_order(list(rates))
    ]
    return _drop_unknown(pd.DataFrame(rows, columns=_INTERVAL_COLUMNS))


def _drop_unknown(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.dropna(subset=["value"]).reset_index(drop=True)


def waterfall_steps(decomposition: Decomposition) -> pd.DataFrame:
    """Period A's incidents, then the volume, mix and rate effects and the change in
    incidents with no code cause, ending at period B's incidents. Empty when the
    decomposition could not be computed, or has no incident to split."""
    effects: list[tuple[str, Estimate]] = [
        ("Volume effect", decomposition.volume_effect),
        ("Mix effect", decomposition.mix_effect),
        ("Rate effect", decomposition.rate_effect),
        ("No code cause", decomposition.unlinked_incidents.change),
    ]
    a, b = decomposition.period_a, decomposition.period_b
    if a is None or b is None or not decomposition.splits_anything:
        return pd.DataFrame(
            columns=[
                "label",
                "start",
                "end",
                "top",
                "change",
                "text",
                "kind",
                "ci_low",
                "ci_high",
                "effect_low",
                "effect_high",
            ]
        )
    label_a, label_b = f"Period A ({a.label})", f"Period B ({b.label})"
    rows = [_total(label_a, decomposition.incidents_a)]
    level = float(decomposition.incidents_a)
    for label, effect in effects:
        assert effect.value is not None
        end = level + effect.value
        rows.append(
            {
                "label": label,
                "start": level,
                "end": end,
                "top": max(level, end),
                "change": effect.value,
                "text": f"{effect.value:+,.1f}",
                "kind": "Increase" if effect.value >= 0 else "Decrease",
                "ci_low": None if effect.ci_low is None else level + effect.ci_low,
                "ci_high": None if effect.ci_high is None else level + effect.ci_high,
                "effect_low": effect.ci_low,
                "effect_high": effect.ci_high,
            }
        )
        level = end
    rows.append(_total(label_b, decomposition.incidents_b))
    return pd.DataFrame(rows)


def _total(label: str, incidents: int) -> dict[str, object]:
    return {
        "label": label,
        "start": 0.0,
        "end": float(incidents),
        "top": float(incidents),
        "change": float(incidents),
        "text": f"{incidents:,}",
        "kind": "Total",
        "ci_low": None,
        "ci_high": None,
        "effect_low": None,
        "effect_high": None,
    }


def decomposition_classes(decomposition: Decomposition) -> pd.DataFrame:
    """Each class's changes, code-caused incidents and rate per change in both periods."""
    return pd.DataFrame(
        [
            {
                "Class": class_label(c.authorship),
                "Changes A": c.changes_a,
                "Changes B": c.changes_b,
                "Incidents A": c.incidents_a,
                "Incidents B": c.incidents_b,
                "Incidents per change A": c.rate_a,
                "Incidents per change B": c.rate_b,
                "Rate A imputed": c.rate_a_imputed,
                "Rate B imputed": c.rate_b_imputed,
            }
            for c in decomposition.classes
        ]
    )


def hotspot_rows(result: AnalysisResult, path_prefix: str | None = None) -> pd.DataFrame:
    """The analysis' ranked hotspots (rank kept) under ``path_prefix``."""
    rows = [
        {
            "rank": rank,
            "repo_id": h.repo_id,
            "path": h.path,
            "file": f"{h.repo_id}:{h.path}" if len(result.scope.repos) > 1 else h.path,
            "changes": h.changes,
            "lines_changed": h.lines_changed,
            "ccn_total": h.ccn_total,
            "nloc": h.nloc,
            "score": h.score,
            "ai_share": h.ai_share,
            "authors": h.authors,
            "incidents": h.inducing_incidents,
            "fix_incidents": h.fix_incidents,
        }
        for rank, h in enumerate(result.hotspots, start=1)
        if h.path.startswith(path_prefix or "")
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "rank",
            "repo_id",
            "path",
            "file",
            "changes",
            "lines_changed",
            "ccn_total",
            "nloc",
            "score",
            "ai_share",
            "authors",
            "incidents",
            "fix_incidents",
        ],
    )


def test_rows(result: AnalysisResult) -> pd.DataFrame:
    """Every statistical test the analysis ran, with raw and Holm-corrected p-values."""
    rows = [_comparison_row("change failure rate", c) for c in result.change_failure_comparisons]
    rows += [_comparison_row("incident rate", c) for c in result.incident_rates.comparisons]
    rows += [_comparison_row("reverts", c) for c in result.reverts.comparisons]
    model = result.count_model
    rows += [
        {
            "family": "count model",
            "test": f"{model.family or 'count model'}: {t.term}",
            "effect": t.irr,
            "ci_low": t.ci_low,
            "ci_high": t.ci_high,
            "statistic": None,
            "p_value": t.p_value,
            "p_holm": t.p_holm,
            "n": model.n,
            "method": f"incidence rate ratio; {model.formula}",
        }
        for t in model.terms
    ]
    rows += [_time_series_row(t) for t in result.time_series.tests]
    return pd.DataFrame(
        rows,
        columns=[
            "family",
            "test",
            "effect",
            "ci_low",
            "ci_high",
            "statistic",
            "p_value",
            "p_holm",
            "n",
            "method",
        ],
    )


def _comparison_row(family: str, c: Comparison) -> dict[str, object]:
    return {
        "family": family,
        "test": c.name,
        "effect": c.ratio,
        "ci_low": c.ci_low,
        "ci_high": c.ci_high,
        "statistic": c.statistic,
        "p_value": c.p_value,
        "p_holm": c.p_holm,
        "n": None,
        "method": c.method,
    }


def _time_series_row(t: TestResult) -> dict[str, object]:
    return {
        "family": f"time series ({t.family})",
        "test": t.name,
        "effect": t.effect,
        "ci_low": t.ci_low,
        "ci_high": t.ci_high,
        "statistic": t.statistic,
        "p_value": t.p_value,
        "p_holm": t.p_holm,
        "n": t.n,
        "method": t.note,
    }


def finding_rows(result: AnalysisResult) -> pd.DataFrame:
    """The findings, strongest evidence first, as a reader scans them."""
    rows = [
        {
            "topic": f.topic,
            "statement": f.statement,
            "effect": f.effect,
            "unit": f.effect_unit,
            "ci_low": f.ci_low,
            "ci_high": f.ci_high,
            "evidence": EVIDENCE_WORDS[f.evidence_level],
            "rank": f.evidence_rank,
            "method": f.method,
            "p_value": f.p_value,
            "p_holm": f.p_holm,
            "caveats": "; ".join(f.caveats),
        }
        for f in result.findings
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "topic",
            "statement",
            "effect",
            "unit",
            "ci_low",
            "ci_high",
            "evidence",
            "rank",
            "method",
            "p_value",
            "p_holm",
            "caveats",
        ],
    )
    return frame.sort_values("rank", ascending=False, kind="stable").reset_index(drop=True)
