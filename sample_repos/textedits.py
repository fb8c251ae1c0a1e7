"""Changes to files that are not modelled code: runbooks, deployment settings, bot updates.

Configuration fixes are how incidents with no code cause get "fixed": more replicas after
a traffic spike, more retries for a flaky upstream, certificates renewed earlier. Some
change an existing line, some only add lines.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from sample_repos.codebase import Codebase
from sample_repos.deps import (
    Ecosystem,
    dependabot_message,
    renovate_message,
)
from sample_repos.edits import Edit
from sample_repos.history import IncidentPlan
from sample_repos.scaffold import generated_protobuf, pre_commit_config
from sample_repos.services import PLATFORM

_RUNBOOK_NOTES = (
    "## Alert: error rate above 2%\n\nCheck the last deploy first; roll back if it is recent.",
    "## Alert: p99 latency\n\nLook at the upstream dashboards before paging the service owner.",
    "## Dashboards\n\nThe service overview lives in Grafana under the team's folder.",
    "## Rollback\n\nUse the deploy tool's previous release; never revert on main under pressure.",
    "## Escalation\n\nPage the secondary after 15 minutes without acknowledgement.",
)
_TUNABLE = ("replicas", "timeout_ms", "rate_limit_rps", "upstream_retries", "cache_ttl_seconds")


def set_yaml_value(cb: Codebase, path: str, key: str, value: int | str) -> bool:
    """Set ``key: value`` in a flat YAML file: change the line if present, else append it.
    Returns whether an existing line was changed."""
    text = cb.texts[path].text
    pattern = re.compile(rf"^(\s*){re.escape(key)}: .*$", re.MULTILINE)
    match = pattern.search(text)
    if match:
        text = pattern.sub(lambda m: f"{m.group(1)}{key}: {value}", text, count=1)
    else:
        text = text + f"{key}: {value}\n"
    cb.write_text(path, text)
    return match is not None


def yaml_number(cb: Codebase, path: str, key: str, default: int) -> int:
    match = re.search(rf"^\s*{re.escape(key)}: (\d+)$", cb.texts[path].text, re.MULTILINE)
    return int(match.group(1)) if match else default


def runbook_note(cb: Codebase, service: str) -> Edit:
    path = f"docs/runbooks/{service}.md"
    cb.write_text(path, cb.texts[path].text + "\n" + cb.rng.choice(_RUNBOOK_NOTES) + "\n")
    return Edit("docs", service, lines=4)


def tune_config(cb: Codebase, service: str) -> Edit:
    """Tune a deployment setting, or switch a feature flag on."""
    path = f"deploy/{service}.yaml"
    if cb.rng.random() < 0.25:
        name = cb.rng.choice(("fast_path", "new_pricing", "async_mail", "v2_api"))
        cb.write_text(path, cb.texts[path].text + f"  flag_{name}_{cb.new_id()}: true\n")
        return Edit("config", service, field="feature flags", lines=1)
    key = cb.rng.choice(_TUNABLE)
    current = yaml_number(cb, path, key, 10)
    set_yaml_value(cb, path, key, max(1, current + cb.rng.choice((-2, -1, 1, 2, 5))))
    return Edit("config", service, field=key.replace("_", " "), lines=2)


_ConfigFix = tuple[str | None, str, Callable[[int], int]]
_CONFIG_FIXES: dict[str, _ConfigFix] = {
    # cause: (file, key, how to change the value); None as file means the service's own file
    "traffic_spike": (None, "replicas", lambda v: v * 2),
    "upstream_outage": (None, "upstream_retries", lambda v: v + 2),
    "certificate_expiry": (
        "deploy/platform/certificates.yaml",
        "renew_before_days",
        lambda v: v + 16,
    ),
    "dns": ("deploy/platform/ingress.yaml", "dns_ttl_seconds", lambda v: max(30, v // 5)),
    "cloud_provider": (None, "zone_spread", lambda v: 2),
    "cache_loss": ("deploy/platform/cache.yaml", "failover_timeout_seconds", lambda v: v + 30),
}


def config_fix(cb: Codebase, incident: IncidentPlan) -> Edit:
    """The configuration change that answered an incident with no code cause."""
    default: _ConfigFix = (None, "replicas", lambda v: v + 1)
    file, key, change = _CONFIG_FIXES.get(incident.cause, default)
    service = incident.service
    path = file or (
        f"deploy/{service}.yaml" if service != PLATFORM else "deploy/platform/ingress.yaml"
    )
    if cb.rng.random() < 0.35:  # add a new setting rather than change one
        key = f"{key}_guard_{cb.new_id()}"
    value = change(yaml_number(cb, path, key, 1))
    set_yaml_value(cb, path, key, value)
    return Edit("config_fix", service, field=key, value=str(value), lines=2)


def dependency_bump(cb: Codebase, eco: Ecosystem, bot: str, rng: random.Random) -> str:
    """Bump one package in ``eco`` and rewrite its manifest and lock file; the message."""
    package = rng.choice(eco.packages)
    old = package.version
    package.version = package.bumped(rng)
    for path, text in eco.files().items():
        cb.write_text(path, text)
    if bot == "dependabot":
        return dependabot_message(eco, package, old, package.version)
    return renovate_message(eco, package, package.version)


def pre_commit_update(cb: Codebase, revision: int) -> str:
    before = pre_commit_config(revision - 1)
    after = pre_commit_config(revision)
    cb.write_text(".pre-commit-config.yaml", after)
    old = re.search(r"rev: (v[\d.]+)", before)
    new = re.search(r"rev: (v[\d.]+)", after)
    assert old and new
    repo = "github.com/astral-sh/ruff-pre-commit"
    return (
        "[pre-commit.ci] pre-commit autoupdate\n\n"
        "updates:\n"
        f"- [{repo}: {old.group(1)} → {new.group(1)}](https://{repo}/compare/"
        f"{old.group(1)}...{new.group(1)})"
    )


def regenerate_stubs(cb: Codebase, revision: int) -> str:
    for path, text in generated_protobuf(revision).items():
        cb.write_text(path, text)
    return (
        "chore: regenerate protobuf stubs\n\n"
        f"Generated by the proto workflow (run {4100 + revision * 37})."
    )
