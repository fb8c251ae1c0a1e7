"""Incident import: 100,000-record exports, throughput (records/s) and peak memory.

Files are generated into the scratch directory: a PagerDuty REST v2 dump (``{"incidents":
[...]}``, records as the API returns them) and the same incidents as Jevons' generic CSV.
Each import runs in a fresh process so its peak resident memory (``ru_maxrss``) is its own;
the growth over the process's footprint before the import is the import's working memory.
The PagerDuty file is also imported at 20,000 records: bounded memory means the growth does
not scale with the file (the reader streams, the stager holds one batch, DuckDB applies the
file within ``APPLY_MEMORY_LIMIT``). A second import of the same file (every row unchanged)
is timed too.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

from analyzer.incidents.upsert import APPLY_MEMORY_LIMIT, BATCH_SIZE
from benchmarks.context import BenchContext

RECORDS = 100_000
SMALL = 20_000
_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
_SERVICES = ("checkout-api", "payments-worker", "search-api", "reporting", "auth-service")

# Runs in the child: import once (or twice), print timings and memory as JSON.
_CHILD = """
import json, resource, sys, time
from analyzer.incidents import import_incidents
path, db, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
runs = []
for _ in range(repeat):
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_incidents([path], db=db)
    runs.append({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                 "new": summary.new,
                 "unchanged": summary.unchanged, "line": summary.files[0].line})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"runs": runs, "baseline_kib": before, "peak_kib": peak}))
"""


def _pagerduty_record(n: int) -> dict[str, Any]:
    created = _START + dt.timedelta(minutes=37 * n)
    acked = created + dt.timedelta(minutes=3 + n % 20)
    resolved = acked + dt.timedelta(minutes=15 + n % 240)
    incident_id = f"Q{n:013X}"
    service = _SERVICES[n % len(_SERVICES)]
    return {
        "id": incident_id,
        "type": "incident",
        "summary": f"[#{n + 1}] {service} error rate above threshold",
        "self": f"https://api.pagerduty.com/incidents/{incident_id}",
        "html_url": f"https://example.pagerduty.com/incidents/{incident_id}",
        "incident_number": n + 1,
        "title": f"{service} error rate above threshold",
        "created_at": _iso(created),
        "updated_at": _iso(resolved),
        "status": "resolved",
        "incident_key": f"{service}-errors-{n}",
        "service": {"id": f"PSVC{n % 5:03}", "type": "service_reference", "summary": service},
        "assignments": [],
        "acknowledgements": [
            {
                "at": _iso(acked),
                "acknowledger": {"id": "PUSER01", "type": "user_reference", "summary": "On call"},
            }
        ],
        "last_status_change_at": _iso(resolved),
        "resolved_at": _iso(resolved),
        "urgency": "high" if n % 3 else "low",
        "priority": {
            "id": f"PPRIO{n % 5}",
            "type": "priority",
            "summary": f"P{n % 5 + 1}",
            "name": f"P{n % 5 + 1}",
        },
        "escalation_policy": {
            "id": "PESC001",
            "type": "escalation_policy_reference",
            "summary": "Default",
        },
        "teams": [{"id": "PTEAM01", "type": "team_reference", "summary": "Platform"}],
        "alert_counts": {"all": 1 + n % 4, "triggered": 0, "resolved": 1 + n % 4},
        "body": {"type": "incident_body", "details": "Synthetic incident for the benchmark."},
    }


def _iso(stamp: dt.datetime) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_pagerduty(path: Path, count: int) -> None:
    """A REST v2 dump, written a record at a time (the generator holds none in memory)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"incidents": [')
        for n in range(count):
            handle.write(("," if n else "") + json.dumps(_pagerduty_record(n)))
        handle.write(f'], "limit": {count}, "offset": 0, "more": false, "total": {count}}}')


def write_generic_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        _csv_rows(handle, count)


def _csv_rows(handle: TextIO, count: int) -> None:
    handle.write("id,title,created_at,acknowledged_at,resolved_at,severity,service,url\n")
    for n in range(count):
        record = _pagerduty_record(n)
        handle.write(
            f"INC-{n + 1},{record['title']},{record['created_at']},"
            f"{record['acknowledgements'][0]['at']},{record['resolved_at']},"
            f"P{n % 5 + 1},{record['service']['summary']},{record['html_url']}\n"
        )


def _import_in_child(path: Path, db: Path, repeat: int = 1) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(db), str(repeat)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"import of {path.name} failed:\n{result.stderr}")
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def _report(label: str, path: Path, count: int, measured: dict[str, Any]) -> float:
    first = measured["runs"][0]
    growth_mib = (measured["peak_kib"] - measured["baseline_kib"]) / 1024
    size_mib = path.stat().st_size / 1024 / 1024
    print(
        f"{label}: {count:,} records ({size_mib:.0f} MiB) in {first['seconds']:.1f}s = "
        f"{count / first['seconds']:,.0f} records/s (CPU {first['cpu']:.1f}s); peak RSS "
        f"{measured['peak_kib'] / 1024:.0f} MiB, {growth_mib:.0f} MiB above the process "
        "before the import"
    )
    for again in measured["runs"][1:]:
        print(
            f"  again, unchanged: {again['seconds']:.1f}s (CPU {again['cpu']:.1f}s) = "
            f"{count / again['seconds']:,.0f} records/s ({again['unchanged']:,} unchanged, "
            f"{again['new']} new)"
        )
    return growth_mib


def run(context: BenchContext) -> None:
    scratch = context.scratch / "incidents"
    scratch.mkdir(parents=True, exist_ok=True)
    small, large = scratch / "pagerduty-20k.json", scratch / "pagerduty-100k.json"
    write_pagerduty(small, SMALL)
    write_pagerduty(large, RECORDS)
    csv_path = scratch / "generic-100k.csv"
    write_generic_csv(csv_path, RECORDS)

    small_growth = _report(
        "PagerDuty JSON", small, SMALL, _import_in_child(small, scratch / "small.duckdb")
    )
    large_growth = _report(
        "PagerDuty JSON", large, RECORDS, _import_in_child(large, scratch / "large.duckdb", 2)
    )
    _report("generic CSV", csv_path, RECORDS, _import_in_child(csv_path, scratch / "csv.duckdb"))
    ratio = large_growth / small_growth if small_growth > 0 else float("nan")
    print(
        f"memory growth at 5x the records: x{ratio:.1f} (the reader streams, the stager holds "
        f"one batch of {BATCH_SIZE:,}, DuckDB applies within {APPLY_MEMORY_LIMIT})"
    )
