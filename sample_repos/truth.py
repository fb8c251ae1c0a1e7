"""The ground truth of a generated scenario, and the figures that show its story holds.

Every commit's true authorship class and tool, every incident's true inducing and fixing
commits, and figures computed from those labels: per-class change failure rates in each
period (before and after the adoption date), incident counts by cause, and the exact
split of the change in code-caused incidents into volume, mix and rate effects (a
three-factor Shapley decomposition, so the parts sum to the total).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sample_repos.build import BuildResult
from sample_repos.history import CODE_KINDS, TRAILERS_OFF, Plan
from sample_repos.incidents import EXPORT_FILES, Links
from sample_repos.messages import incident_reference
from sample_repos.people import TEAM, TEAM_OF
from sample_repos.scenario import AI_CLASSES, CHANGE_CLASSES, Scenario
from sample_repos.signing import CommitRecord

#: The team of each address a person commits under (an agent's or a bot's: none).
_TEAM_OF_EMAIL = {i.email: TEAM_OF[p.key] for p in TEAM for i in (p.identity, *p.variants)}

TRUTH_VERSION = 1
CLASSES = (*CHANGE_CLASSES, "automation")


def _iso(at: dt.datetime | None) -> str | None:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if at else None


def scored_for_attribution(commits: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The commits attribution is scored on: all but those whose team switched trailers off.
    No rule can find those by the team's choice; the telemetry band covers them."""
    return [c for c in commits if c["awkward"] != TRAILERS_OFF]


def commit_entries(
    result: BuildResult, stats: Mapping[str, tuple[int, int]]
) -> list[dict[str, Any]]:
    """One entry per commit, in the order they were written."""
    sha = result.shas
    reverted_by = {r.reverts: r.mark for r in result.records if r.reverts is not None}
    return [_commit_entry(r, sha, reverted_by, stats) for r in result.records]


def _commit_entry(
    record: CommitRecord,
    sha: Mapping[int, str],
    reverted_by: Mapping[int, int],
    stats: Mapping[str, tuple[int, int]],
) -> dict[str, Any]:
    change = record.change
    fault = change.fault if change else None
    fixes = change.fixes if change else None
    added, deleted = stats.get(sha[record.mark], (0, 0))
    return {
        "sha": sha[record.mark],
        "parents": [sha[p] for p in record.parents],
        "class": record.klass,
        "tool": record.tool,
        "kind": record.kind,
        "service": record.service,
        "delivery": record.delivery,
        "mainline": record.mainline,
        "branch": record.branch,
        "authored_at": _iso(record.author.at),
        "committed_at": _iso(record.committer.at),
        "author": str(record.author.identity),
        "committer": str(record.committer.identity),
        "subject": record.subject,
        "markers": record.markers,
        "weak_markers": record.weak_markers,
        "awkward": record.awkward,
        "team": _TEAM_OF_EMAIL.get(record.author.identity.email),
        "lines_added": added,
        "lines_deleted": deleted,
        "planned_lines": change.size if change else 0,
        "failure_probability": round(change.failure_probability, 5) if change else 0.0,
        "failure": fault.outcome if fault else None,
        "incident": fault.incident.key if fault and fault.incident else None,
        "fixes_incident": (
            fixes.incident.key
            if fixes and fixes.incident
            else change.fixes_incident.key
            if change and change.fixes_incident
            else None
        ),
        "reverts": sha[record.reverts] if record.reverts else None,
        "reverted_by": sha[reverted_by[record.mark]] if record.mark in reverted_by else None,
        "merged": [sha[m] for m in record.merged],
    }


def incident_entries(
    plan: Plan,
    result: BuildResult,
    seen: Mapping[int, Mapping[str, object]],
    links: Mapping[int, Links],
) -> list[dict[str, Any]]:
    sha = result.shas
    out = []
    for incident in plan.incidents:
        fault = incident.fault
        site = result.sites.get(fault.fid) if fault else None
        inducing = sha[site.mark] if site else None
        mainline = sha[site.mainline_mark or site.mark] if site else None
        fix_mark = site.fix_mark if site else result.config_fixes.get(incident.key)
        fix_kind = fault.fix_kind if fault is not None else "config" if fix_mark else "none"
        explicit = links.get(incident.key, Links())
        out.append(
            {
                "key": incident.key,
                "source": incident.source,
                "export": EXPORT_FILES[incident.source],
                "ids": dict(seen[incident.key]),
                "reference": incident_reference(incident),
                "title": incident.title,
                "service": incident.service,
                "severity": incident.severity,
                "created_at": _iso(incident.created_at),
                "acknowledged_at": _iso(incident.acknowledged_at),
                "resolved_at": _iso(incident.resolved_at),
                "cause": incident.cause,
                "code_caused": fault is not None,
                "inducing_commit": inducing,
                "inducing_mainline_commit": mainline,
                "inducing_class": fault.change.klass if fault else None,
                "fix_commit": sha[fix_mark] if fix_mark else None,
                "fix_kind": fix_kind,
                "link": incident.link,
                "explicit": {
                    "cause_commits": list(explicit.cause),
                    "fix_commits": list(explicit.fix),
                },
            }
        )
    return out


# --- figures --------------------------------------------------------------------------


def _period(at: str, adoption: dt.datetime) -> str:
    return "after" if dt.datetime.fromisoformat(at.replace("Z", "+00:00")) >= adoption else "before"


def class_figures(commits: Sequence[Mapping[str, Any]], adoption: dt.datetime) -> dict[str, Any]:
    """Per class and period: commits, code changes, lines, incidents induced, rates."""
    table: dict[str, dict[str, dict[str, Any]]] = {
        p: {
            c: {
                "commits": 0,
                "code_changes": 0,
                "lines_added": 0,
                "incidents_induced": 0,
                "caught_and_reverted": 0,
                "expected_incidents": 0.0,
            }
            for c in CLASSES
        }
        for p in ("before", "after")
    }
    for commit in commits:
        if len(commit["parents"]) > 1 or commit["kind"] == "initial":
            continue
        row = table[_period(commit["committed_at"], adoption)][commit["class"]]
        row["commits"] += 1
        row["code_changes"] += commit["kind"] in CODE_KINDS
        row["lines_added"] += commit["lines_added"]
        row["incidents_induced"] += commit["failure"] == "incident"
        row["caught_and_reverted"] += commit["failure"] == "caught"
        row["expected_incidents"] += commit["failure_probability"]
    for period in table.values():
        for row in period.values():
            n, k = row["commits"], row["incidents_induced"]
            row["rate_per_commit"] = round(k / n, 4) if n else None
            code = row["code_changes"]
            row["rate_per_code_change"] = round(k / code, 4) if code else None
            row["expected_rate_per_code_change"] = (
                round(row["expected_incidents"] / code, 4) if code else None
            )
            row["expected_incidents"] = round(row["expected_incidents"], 2)
    return table


def shapley_decomposition(
    before: Mapping[str, tuple[float, float]], after: Mapping[str, tuple[float, float]]
) -> dict[str, float]:
    """Split the change in failures into volume, mix and rate effects (Shapley, exact).

    ``before``/``after`` map class -> (changes, failures). Total = N * sum(share * rate).
    A class with no changes in one period borrows its rate from the other period (it has
    no weight there, so the totals stay exact).
    """
    classes = sorted(set(before) | set(after))

    def parts(
        counts: Mapping[str, tuple[float, float]], other: Mapping[str, tuple[float, float]]
    ) -> tuple[float, dict[str, float], dict[str, float]]:
        total = sum(counts.get(c, (0, 0))[0] for c in classes)
        shares = {c: (counts.get(c, (0, 0))[0] / total if total else 0.0) for c in classes}
        rates = {}
        for c in classes:
            n, f = counts.get(c, (0, 0))
            n_other, f_other = other.get(c, (0, 0))
            rates[c] = f / n if n else (f_other / n_other if n_other else 0.0)
        return total, shares, rates

    a, b = parts(before, after), parts(after, before)

    def value(switched: frozenset[int]) -> float:
        total = b[0] if 0 in switched else a[0]
        shares = b[1] if 1 in switched else a[1]
        rates = b[2] if 2 in switched else a[2]
        return total * sum(shares[c] * rates[c] for c in classes)

    effects = []
    for factor in range(3):
        others = [i for i in range(3) if i != factor]
        phi = 0.0
        for size in range(3):
            for subset in itertools.combinations(others, size):
                weight = math.factorial(size) * math.factorial(2 - size) / 6
                s = frozenset(subset)
                phi += weight * (value(s | {factor}) - value(s))
        effects.append(round(phi, 3))
    return {
        "total_change": round(value(frozenset({0, 1, 2})) - value(frozenset()), 3),
        "volume_effect": effects[0],
        "mix_effect": effects[1],
        "rate_effect": effects[2],
    }


def figures(
    scenario: Scenario,
    commits: Sequence[Mapping[str, Any]],
    incidents: Sequence[Mapping[str, Any]],
    snapshots: list[dict[str, object]],
) -> dict[str, Any]:
    adoption = scenario.adoption_at
    classes = class_figures(commits, adoption)
    weeks = {
        "before": (adoption - scenario.start_at).days / 7,
        "after": (scenario.end_at - adoption).days / 7,
    }
    by_period: dict[str, dict[str, int]] = {"before": {}, "after": {}}
    for incident in incidents:
        period = by_period[_period(incident["created_at"], adoption)]
        kind = "code" if incident["code_caused"] else "external"
        period[kind] = period.get(kind, 0) + 1
    counts = {
        p: {
            c: (classes[p][c]["commits"], classes[p][c]["incidents_induced"])
            for c in CHANGE_CLASSES
        }
        for p in ("before", "after")
    }
    expected = {
        p: {
            c: (classes[p][c]["commits"], classes[p][c]["expected_incidents"])
            for c in CHANGE_CLASSES
        }
        for p in ("before", "after")
    }
    return {
        "periods": {p: {"weeks": round(w, 1)} for p, w in weeks.items()},
        "commits_total": len(commits),
        "commits_by_class": {c: sum(1 for x in commits if x["class"] == c) for c in CLASSES},
        "merge_commits": sum(1 for x in commits if len(x["parents"]) > 1),
        "squash_merges": sum(1 for x in commits if x["delivery"] == "squash"),
        "branch_commits": sum(1 for x in commits if not x["mainline"]),
        "reverts": sum(1 for x in commits if x["reverts"]),
        "incidents_total": len(incidents),
        "incidents_by_period": by_period,
        "incidents_by_cause": _count(incidents, "cause"),
        "incidents_by_source": _count(incidents, "source"),
        "incidents_by_link": _count(incidents, "link"),
        "by_class": classes,
        "decomposition_realized": shapley_decomposition(counts["before"], counts["after"]),
        "decomposition_expected": shapley_decomposition(expected["before"], expected["after"]),
        "decomposition_pooled_realized": shapley_decomposition(
            _pool_ai(counts["before"]), _pool_ai(counts["after"])
        ),
        "monthly": _monthly(commits, incidents, snapshots),
    }


def _pool_ai(counts: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    ai = [counts[c] for c in AI_CLASSES]
    return {"human": counts["human"], "ai": (sum(n for n, _ in ai), sum(f for _, f in ai))}


def _count(items: Sequence[Mapping[str, Any]], key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[str(item[key])] = out.get(str(item[key]), 0) + 1
    return dict(sorted(out.items()))


def _monthly(
    commits: Sequence[Mapping[str, Any]],
    incidents: Sequence[Mapping[str, Any]],
    snapshots: list[dict[str, object]],
) -> list[dict[str, object]]:
    rows = {str(s["month"]): dict(s) for s in snapshots}
    for commit in commits:
        row = rows.setdefault(commit["committed_at"][:7], {"month": commit["committed_at"][:7]})
        key = f"commits_{commit['class']}"
        row[key] = int(row.get(key, 0)) + 1  # type: ignore[call-overload]
        row["lines_added"] = int(row.get("lines_added", 0)) + commit["lines_added"]  # type: ignore[call-overload]
    for incident in incidents:
        row = rows.setdefault(incident["created_at"][:7], {"month": incident["created_at"][:7]})
        key = "incidents_code" if incident["code_caused"] else "incidents_external"
        row[key] = int(row.get(key, 0)) + 1  # type: ignore[call-overload]
    return [rows[m] for m in sorted(rows)]


def _dominant(decomposition: Mapping[str, float]) -> str:
    effects = {k: decomposition[f"{k}_effect"] for k in ("volume", "mix", "rate")}
    return max(effects, key=lambda k: effects[k])


def _pooled_rates(fig: Mapping[str, Any], period: str) -> tuple[float, float]:
    """Realised incidents per commit after pooling the AI classes: (human, ai)."""
    table = fig["by_class"][period]
    ai_commits = sum(table[c]["commits"] for c in AI_CLASSES)
    ai_incidents = sum(table[c]["incidents_induced"] for c in AI_CLASSES)
    human = table["human"]["incidents_induced"] / max(1, table["human"]["commits"])
    return human, ai_incidents / max(1, ai_commits)


def story_checks(scenario: Scenario, fig: Mapping[str, Any]) -> dict[str, bool]:
    """Does the data tell the story the scenario claims? Checked on the expected figures
    (the scenario's probabilities) and on the realised ones (what actually happened)."""
    table = fig["by_class"]
    before, after = fig["incidents_by_period"]["before"], fig["incidents_by_period"]["after"]
    code_change = after.get("code", 0) - before.get("code", 0)
    external_change = after.get("external", 0) - before.get("external", 0)
    ai_before = sum(table["before"][c]["commits"] for c in AI_CLASSES)
    ai_after = sum(table["after"][c]["commits"] for c in AI_CLASSES)
    human_rate, ai_rate = _pooled_rates(fig, "after")
    human_rate_before = _pooled_rates(fig, "before")[0]
    checks = {
        "incidents_rise_after_adoption": sum(after.values()) > sum(before.values()),
        "ai_share_rises": ai_after > 5 * ai_before,
    }
    verdict = scenario.expected_verdict
    if verdict == "none":
        checks["external_change_dominates"] = external_change > 3 * max(code_change, 0)
        return checks
    pooled = fig["decomposition_pooled_realized"]
    checks["code_incidents_rise"] = code_change > 0
    checks[f"{verdict}_effect_dominates_expected"] = (
        _dominant(fig["decomposition_expected"]) == verdict
    )
    checks[f"{verdict}_effect_dominates_realized"] = (
        _dominant(pooled) == verdict and pooled[f"{verdict}_effect"] > 0.5 * pooled["total_change"]
    )
    if verdict == "mix":
        checks["ai_rate_several_times_human_realized"] = ai_rate > 2.5 * human_rate
    else:
        checks["ai_rate_close_to_human_realized"] = abs(ai_rate - human_rate) < 0.4 * human_rate
    if verdict == "rate":
        checks["human_rate_rises_realized"] = human_rate > 2 * human_rate_before
    return checks


def truth_document(
    scenario: Scenario,
    fingerprint: str,
    commits: list[dict[str, Any]],
    incidents: list[dict[str, Any]],
    snapshots: list[dict[str, object]],
    demo: Mapping[str, Any],
) -> dict[str, Any]:
    fig = figures(scenario, commits, incidents, snapshots)
    return {
        "truth_version": TRUTH_VERSION,
        "scenario": scenario.name,
        "title": scenario.title,
        "story": scenario.story,
        "expected_verdict": scenario.expected_verdict,
        "seed": scenario.seed,
        "fingerprint": fingerprint,
        "adoption_date": scenario.adoption.isoformat(),
        "history": {"start": _iso(scenario.start_at), "end": _iso(scenario.end_at)},
        "repository": {
            "path": "repo",
            "default_branch": "main",
            "head": commits[-1]["sha"] if commits else None,
        },
        "exports": {source: path for source, path in EXPORT_FILES.items()},
        "ownership": "ownership.txt",
        "parameters": {
            "failure_rates": {
                c: {
                    "before": scenario.failure.rate(c, False),
                    "after": scenario.failure.rate(c, True),
                }
                for c in CHANGE_CLASSES
            },
        },
        "demo": dict(demo),
        "figures": fig,
        "story_checks": story_checks(scenario, fig),
        "commits": commits,
        "incidents": incidents,
    }
