"""The metric catalog describes every metric the backends produce, and aggregates them."""

from __future__ import annotations

import dataclasses
import math

import pytest

from analyzer.errors import ConfigError
from analyzer.metrics.catalog import CATALOG, Metric, aggregate, metric, metrics_in_scope
from analyzer.models import BlobMetrics, FunctionMetrics
from analyzer.store.schema import TABLES

NOT_METRICS = {"blob_sha", "language", "size_bytes", "error", "metric_set", "encoding", "functions"}


def test_every_numeric_blob_field_has_a_catalog_entry() -> None:
    blob_fields = {f.name for f in dataclasses.fields(BlobMetrics)} - NOT_METRICS
    assert blob_fields == {m.name for m in metrics_in_scope("blob")}


def test_function_entries_are_function_fields() -> None:
    function_fields = {f.name for f in dataclasses.fields(FunctionMetrics)}
    assert {m.name for m in metrics_in_scope("function")} <= function_fields


@pytest.mark.parametrize("entry", CATALOG, ids=lambda m: m.name)
def test_every_entry_names_a_column_of_its_store_table(entry: Metric) -> None:
    table = {"blob": "blob_metrics", "function": "function_metrics", "commit": "commits"}[
        entry.scope
    ]
    assert f" {entry.name} " in TABLES[table]


def test_names_are_unique_and_descriptions_present() -> None:
    names = [m.name for m in CATALOG]
    assert len(names) == len(set(names))
    assert all(m.description.endswith(".") and m.label and m.unit for m in CATALOG)


def test_lookup_by_name_and_unknown_name() -> None:
    assert metric("ccn_total").lower_is_better is True
    assert metric("maintainability_index").lower_is_better is False
    assert metric("maintainability_index").languages == ("python",)
    with pytest.raises(ConfigError, match="unknown metric 'ccn_avg'"):
        metric("ccn_avg")


AGGREGATIONS = [
    ("ccn_total", [3, 4, None, 5], None, 12.0),
    ("ccn_max", [3, 9, None, 5], None, 9.0),
    ("nloc", [10, float("nan"), 5], None, 15.0),
    # NLOC-weighted: (90 * 10 + 50 * 30) / 40
    ("maintainability_index", [90.0, 50.0, None], [10, 30, 99], 60.0),
    ("maintainability_index", [90.0, 50.0], None, 70.0),
    ("ccn_total", [None, None], None, None),
    ("ccn_total", [], None, None),
]


@pytest.mark.parametrize(("name", "values", "weights", "expected"), AGGREGATIONS)
def test_aggregate_follows_the_catalog(
    name: str, values: list[float | None], weights: list[float] | None, expected: float | None
) -> None:
    result = aggregate(name, values, weights)
    if expected is None:
        assert result is None
    else:
        assert result is not None and math.isclose(result, expected)


def test_aggregate_rejects_weights_that_do_not_line_up() -> None:
    with pytest.raises(ValueError, match="2 values but 1 weights"):
        aggregate("maintainability_index", [1.0, 2.0], [1.0])
