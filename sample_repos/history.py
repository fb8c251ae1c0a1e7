"""Plan a scenario's history before writing any code: who changes what, when, and what breaks.

The plan is a list of changes (with their authorship class, tool, kind, size and delivery:
direct push, squash-merged pull request or a branch merged with a merge commit), the faults
some of them introduce with the incident each causes and the change that later fixes it,
incidents with no code cause, and bot commits. Everything is drawn from one seeded
generator, in a fixed order, so a scenario and seed always give the same plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

from sample_repos.people import TEAM, TEAM_OF, AiTool, Person, available_tools
from sample_repos.scenario import Scenario
from sample_repos.services import PLATFORM, SERVICE_BY_NAME, SERVICES

CODE_KINDS = ("feature", "bugfix", "refactor")
_KINDS = (
    ("feature", 49),
    ("bugfix", 17),
    ("refactor", 9),
    ("test", 10),
    ("docs", 5),
    ("config", 6),
    ("move", 2.5),
    ("delete", 1.5),
)
_EXTERNAL_CAUSES = (
    # cause, weight, services it hits, title templates
    (
        "upstream_outage",
        30,
        ("payments", "notifications", "checkout"),
        (
            "Payment provider PayFlow returning 503s",
            "Email provider Postbox degraded",
            "SMS gateway timeouts from upstream carrier",
            "Tax rate API unavailable",
        ),
    ),
    (
        "traffic_spike",
        25,
        ("checkout", "storefront", "inventory"),
        (
            "Traffic spike from flash sale saturates {service}",
            "Bot traffic surge on {service}",
            "Marketing email drives 8x traffic to {service}",
        ),
    ),
    (
        "certificate_expiry",
        10,
        (PLATFORM, "storefront"),
        ("TLS certificate expired on shop.example.com", "Expired client certificate for PayFlow"),
    ),
    (
        "dns",
        10,
        (PLATFORM,),
        ("DNS resolution failures in eu-west", "Stale DNS after provider migration"),
    ),
    (
        "cloud_provider",
        15,
        (PLATFORM, "payments", "inventory"),
        ("Cloud zone outage degrades {service}", "Managed database failover in {service}"),
    ),
    (
        "cache_loss",
        10,
        ("inventory", "checkout", PLATFORM),
        (
            "Redis cluster failover lost the {service} cache",
            "Cache stampede after eviction in {service}",
        ),
    ),
)


@dataclasses.dataclass
class Fault:
    """A change that broke something: the incident it caused, or a quick revert."""

    fid: int
    change: Change
    outcome: str  # incident | caught
    deploy_at: dt.datetime
    fix_at: dt.datetime
    fix_kind: str  # code | revert
    incident: IncidentPlan | None = None
    fix: Change | None = None


@dataclasses.dataclass
class IncidentPlan:
    key: int
    service: str
    source: str  # pagerduty | incidentio | csv
    cause: str  # code, or what else caused it
    title: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime
    resolved_at: dt.datetime | None
    severity: int  # 1 (worst) .. 4
    link: str  # fix_reference | explicit_both | explicit_fix | explicit_cause | ownership | none
    fault: Fault | None = None
    fix: Change | None = None
    number: int = 0  # per-source sequence, assigned once all incidents are known


@dataclasses.dataclass
class Branch:
    """A feature branch merged with a merge commit (``--no-ff``)."""

    bid: int
    name: str
    changes: list[Change]
    merge_at: dt.datetime
    merger: Person
    initial_plan: bool = False


@dataclasses.dataclass
class Change:
    cid: int
    at: dt.datetime
    person: Person
    klass: str  # human | ai_assisted | ai_authored | automation
    tool: AiTool | None
    kind: str
    service: str
    size: int
    delivery: str = "direct"  # direct | squash | branch
    branch: Branch | None = None
    bot: str | None = None
    fault: Fault | None = None
    fixes: Fault | None = None
    fixes_incident: IncidentPlan | None = None
    awkward: str | None = None
    unmarked: bool = False
    trailers_off: bool = False  # unmarked because the person's team switched trailers off
    failure_probability: float = 0.0


@dataclasses.dataclass
class Plan:
    changes: list[Change]
    branches: list[Branch]
    faults: list[Fault]
    incidents: list[IncidentPlan]


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small weekly rates used here."""
    if lam <= 0:
        return 0
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


class Planner:
    """Draws the plan for one scenario."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.s = scenario
        self.rng = rng
        self.changes: list[Change] = []
        self.branches: list[Branch] = []
        self.faults: list[Fault] = []
        self.incidents: list[IncidentPlan] = []
        self._ids = 0

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    # --- time ------------------------------------------------------------------------
    def work_time(self, week: dt.datetime, person: Person) -> dt.datetime:
        """A plausible moment in ``person``'s working week, in UTC."""
        day = self.rng.choices(range(7), weights=(20, 21, 21, 20, 16, 1.2, 0.8))[0]
        hour = min(22.5, max(7.0, self.rng.normalvariate(13.5, 2.6)))
        local = week + dt.timedelta(days=day, hours=hour, seconds=self.rng.randint(0, 3599))
        return local - dt.timedelta(minutes=person.tz_minutes)

    def active_people(self, at: dt.datetime) -> list[Person]:
        return [p for p in TEAM if p.active(at.date())]

    def person(self, at: dt.datetime) -> Person:
        people = self.active_people(at)
        return self.rng.choices(people, weights=[p.weight for p in people])[0]

    # --- the plan --------------------------------------------------------------------
    def plan(self) -> Plan:
        week = self.s.start_at
        end = self.s.end_at
        while week < end:
            self._plan_week(week)
            self._plan_bots(week)
            self._plan_external(week)
            week += dt.timedelta(days=7)
        cutoff = end - dt.timedelta(hours=2)
        late = {b.bid for b in self.branches if b.merge_at >= cutoff}
        self.branches = [b for b in self.branches if b.bid not in late]
        self.changes = [
            c
            for c in self.changes
            if c.at < cutoff and (c.branch is None or c.branch.bid not in late)
        ]
        self._plan_faults()
        self._plan_awkward()
        self._switch_trailers_off()
        self._number_incidents()
        self.changes.sort(key=lambda c: (c.at, c.cid))
        return Plan(self.changes, self.branches, self.faults, self.incidents)

    def _plan_week(self, week: dt.datetime) -> None:
        remaining = poisson(self.rng, self.s.changes_per_week(week))
        while remaining > 0:
            person = self.person(week)
            change = self._change(self.work_time(week, person), person)
            remaining -= self._deliver(change)

    def _change(self, at: dt.datetime, person: Person, *, kind: str | None = None) -> Change:
        klass, tool, unmarked = self._authorship(at)
        service = self.rng.choices(SERVICES, weights=[s.weight for s in SERVICES])[0]
        size = self._size()
        change = Change(
            self._id(),
            at,
            person,
            klass,
            tool,
            kind or _weighted(self.rng, _KINDS),
            service.name,
            size,
            unmarked=unmarked,
        )
        self.changes.append(change)
        return change

    def _size(self) -> int:
        size = self.s.size
        lines = size.median_lines * math.exp(self.rng.normalvariate(0, size.sigma))
        return int(min(size.max_lines, max(size.min_lines, round(lines))))

    def _authorship(self, at: dt.datetime) -> tuple[str, AiTool | None, bool]:
        if self.rng.random() >= self.s.ai_share(at):
            return "human", None, False
        klass = "ai_authored" if self.rng.random() < self.s.ai_authored_share(at) else "ai_assisted"
        if at >= self.s.adoption_at and self.rng.random() < self.s.ai.unmarked_share:
            return "ai_assisted", None, True  # attribution turned off: no marker at all
        for candidate in (klass, "ai_assisted" if klass == "ai_authored" else "ai_authored"):
            tools = [t for t in available_tools(candidate, at.date()) if t.key not in _SUGGESTIONS]
            if tools:
                return candidate, self.rng.choices(tools, [t.weight for t in tools])[0], False
        return "human", None, False

    def _deliver(self, change: Change) -> int:
        """Choose how the change reaches main; returns how many planned changes it used."""
        tool = change.tool
        if tool is not None and tool.klass == "ai_authored" and tool.agent_branch:
            weights = (
                (("branch", 0.55), ("squash", 0.45))
                if tool.key == "copilot-agent"
                else (("direct", 0.25), ("squash", 0.55), ("branch", 0.2))
            )
        elif tool is not None and tool.klass == "ai_authored":
            weights = (("direct", 0.8), ("squash", 0.2))
        else:
            weights = (("direct", 0.62), ("squash", 0.28), ("branch", 0.10))
        change.delivery = _weighted(self.rng, weights)
        if change.delivery == "branch" and change.kind not in (
            "feature",
            "bugfix",
            "refactor",
            "test",
        ):
            change.delivery = "squash"
        if change.delivery != "branch":
            return 1
        return self._branch(change)

    def _branch(self, first: Change) -> int:
        branch = Branch(self._id(), "", [first], first.at, first.person)
        first.branch = branch
        at = first.at
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            at += dt.timedelta(hours=self.rng.uniform(0.5, 30))
            follow = Change(
                self._id(),
                at,
                first.person,
                first.klass,
                first.tool,
                _weighted(self.rng, (("feature", 60), ("bugfix", 20), ("test", 20))),
                first.service,
                self._size(),
                "branch",
                branch,
                unmarked=first.unmarked,
            )
            self.changes.append(follow)
            branch.changes.append(follow)
        if first.klass == "human" and at.date() >= _SUGGESTION_START and self.rng.random() < 0.3:
            at += dt.timedelta(hours=self.rng.uniform(0.5, 6))
            branch.changes.append(self._suggestion(first, branch, at))
        branch.merge_at = at + dt.timedelta(hours=self.rng.uniform(1, 48))
        branch.merger = self.person(branch.merge_at) if self.rng.random() < 0.5 else first.person
        branch.initial_plan = first.tool is not None and first.tool.key == "copilot-agent"
        branch.name = self._branch_name(first)
        self.branches.append(branch)
        return len(branch.changes)

    def _suggestion(self, first: Change, branch: Branch, at: dt.datetime) -> Change:
        tools = [t for t in available_tools("ai_assisted", at.date()) if t.key in _SUGGESTIONS]
        tool = self.rng.choices(tools, [t.weight for t in tools])[0]
        change = Change(
            self._id(),
            at,
            first.person,
            "ai_assisted",
            tool,
            "bugfix",
            first.service,
            self.rng.randint(3, 8),
            "branch",
            branch,
        )
        self.changes.append(change)
        return change

    def _branch_name(self, first: Change) -> str:
        slug = self.rng.choice(
            (
                "retry-budget",
                "region-rules",
                "tiered-fees",
                "edge-cases",
                "cleanup",
                "faster-path",
                "limits",
                "new-flow",
            )
        )
        tool = first.tool
        if tool is not None and tool.agent_branch:
            if tool.agent_branch.endswith("-"):
                return f"{tool.agent_branch}{self.rng.randint(40, 900)}"
            suffix = "".join(self.rng.choice("0123456789abcdef") for _ in range(4))
            return f"{tool.agent_branch}{first.service}-{slug}-{suffix}"
        return f"{first.person.key}/{first.service}-{slug}"

    # --- bots -----------------------------------------------------------------------
    def _plan_bots(self, week: dt.datetime) -> None:
        bots = self.s.automation
        for bot, rate in (
            ("dependabot", bots.dependabot_per_week),
            ("renovate", bots.renovate_per_week),
            ("pre-commit-ci", bots.pre_commit_ci_per_week),
            ("github-actions", bots.github_actions_per_week),
        ):
            for _ in range(poisson(self.rng, rate)):
                at = week + dt.timedelta(seconds=self.rng.randint(0, 7 * 86400 - 1))
                kind = {"pre-commit-ci": "precommit", "github-actions": "regen"}.get(bot, "deps")
                change = Change(
                    self._id(),
                    at,
                    TEAM[0],
                    "automation",
                    None,
                    kind,
                    PLATFORM,
                    0,
                    "squash" if bot != "github-actions" else "direct",
                    bot=bot,
                )
                self.changes.append(change)

    # --- incidents without a code cause ---------------------------------------------
    def _plan_external(self, week: dt.datetime) -> None:
        for _ in range(poisson(self.rng, self.s.external_per_week(week))):
            cause, _, services, titles = self.rng.choices(
                _EXTERNAL_CAUSES, weights=[c[1] for c in _EXTERNAL_CAUSES]
            )[0]
            service = self.rng.choice(services)
            created = week + dt.timedelta(seconds=self.rng.randint(0, 7 * 86400 - 1))
            if created > self.s.end_at - dt.timedelta(hours=3):
                continue
            incident = self._incident(
                service,
                cause,
                self.rng.choice(titles).format(service=service),
                created,
                severity_bias=-0.4,
            )
            incident.link = "none"
            if self.rng.random() < 0.5:
                self._config_fix(incident)

    def _config_fix(self, incident: IncidentPlan) -> None:
        at = incident.created_at + dt.timedelta(hours=self.rng.uniform(0.4, 36))
        if at > self.s.end_at - dt.timedelta(hours=1):
            return
        person = self.person(at)
        klass, tool, unmarked = self._authorship(at)
        change = Change(
            self._id(),
            at,
            person,
            klass,
            tool,
            "config_fix",
            incident.service,
            4,
            fixes_incident=incident,
            unmarked=unmarked,
        )
        incident.fix = change
        incident.link = "fix_reference" if self.rng.random() < 0.7 else "none"
        self.changes.append(change)

    def _incident(
        self,
        service: str,
        cause: str,
        title: str,
        created: dt.datetime,
        *,
        severity_bias: float = 0.0,
    ) -> IncidentPlan:
        source = (
            SERVICE_BY_NAME[service].incident_source if service in SERVICE_BY_NAME else "incidentio"
        )
        severity = min(4, max(1, round(self.rng.normalvariate(3.0 + severity_bias, 0.8))))
        created = created.replace(microsecond=0)  # incident tools record whole seconds
        ack = created + dt.timedelta(seconds=round(self.rng.uniform(1, 25) * 60))
        duration = dt.timedelta(
            minutes=min(2880, max(12, math.exp(self.rng.normalvariate(4.4, 0.9))))
        )
        resolved: dt.datetime | None = created + dt.timedelta(
            seconds=round(duration.total_seconds())
        )
        if resolved is not None and resolved > self.s.end_at:
            resolved = None
        incident = IncidentPlan(
            self._id(), service, source, cause, title, created, ack, resolved, severity, "ownership"
        )
        self.incidents.append(incident)
        return incident

    # --- faults ---------------------------------------------------------------------
    def _plan_faults(self) -> None:
        mean_factor = self.s.size_factor_mean()
        for change in list(self.changes):
            if change.kind not in CODE_KINDS or change.klass == "automation":
                continue
            after = change.at >= self.s.adoption_at
            factor = (change.size / self.s.size.median_lines) ** self.s.failure.size_exponent
            p = min(0.9, self.s.failure.rate(change.klass, after) * factor / mean_factor)
            change.failure_probability = p
            deploy = change.branch.merge_at if change.branch else change.at
            revertable = change.delivery != "branch" and change.kind in ("feature", "bugfix")
            draw = self.rng.random()
            if draw < p:
                self._fault(change, deploy, "incident", revertable)
            elif revertable and draw < p * (1 + self.s.failure.caught_ratio):
                self._fault(change, deploy, "caught", revertable)

    def _fault(self, change: Change, deploy: dt.datetime, outcome: str, revertable: bool) -> None:
        end = self.s.end_at
        if deploy > end - dt.timedelta(days=1):
            return
        if outcome == "caught":
            fix_at = deploy + dt.timedelta(hours=self.rng.uniform(0.5, 20))
            fault = Fault(self._id(), change, "caught", deploy, fix_at, "revert")
        else:
            latency = dt.timedelta(
                hours=min(24 * 30, max(2, math.exp(self.rng.normalvariate(4.1, 1.0))))
            )
            created = min(deploy + latency, end - dt.timedelta(hours=12))
            created = max(created, deploy + dt.timedelta(minutes=30))
            delay = dt.timedelta(
                hours=min(24 * 6, max(0.5, math.exp(self.rng.normalvariate(2.6, 1.1))))
            )
            fix_at = min(created + delay, end - dt.timedelta(hours=1))
            fix_kind = "revert" if revertable and self.rng.random() < 0.2 else "code"
            fault = Fault(self._id(), change, "incident", deploy, fix_at, fix_kind)
            service = SERVICE_BY_NAME[change.service]
            fault.incident = self._incident(
                change.service, "code", self.rng.choice(service.symptoms), created
            )
            fault.incident.fault = fault
            fault.incident.link = self._code_link(fault.incident.source)
        change.fault = fault
        self.faults.append(fault)
        fault.fix = self._fix_change(fault)
        if fault.incident is not None:
            fault.incident.fix = fault.fix

    def _code_link(self, source: str) -> str:
        pairs: tuple[tuple[str, float], ...]
        if source == "csv":
            pairs = (
                ("explicit_both", 30),
                ("explicit_fix", 20),
                ("explicit_cause", 15),
                ("fix_reference", 25),
                ("ownership", 10),
            )
        else:
            pairs = (("fix_reference", 88), ("ownership", 12))
        return _weighted(self.rng, pairs)

    def _fix_change(self, fault: Fault) -> Change:
        at = fault.fix_at
        person = self.person(at)
        if fault.fix_kind == "revert":
            klass, tool, unmarked = ("human", None, False)
            kind = "revert"
        else:
            klass, tool, unmarked = self._authorship(at)
            kind = "fix"
        change = Change(
            self._id(),
            at,
            person,
            klass,
            tool,
            kind,
            fault.change.service,
            self.rng.randint(4, 20),
            fixes=fault,
            unmarked=unmarked,
        )
        if tool is not None and tool.klass == "ai_authored":
            change.delivery = "squash" if self.rng.random() < 0.6 else "direct"
        else:
            change.delivery = "direct" if self.rng.random() < 0.75 else "squash"
        self.changes.append(change)
        return change

    # --- awkward cases --------------------------------------------------------------
    def _plan_awkward(self) -> None:
        """Pick the commits that carry the cases attribution most often gets wrong."""
        after = [c for c in self.changes if c.at >= self.s.adoption_at]
        human_after = [
            c
            for c in after
            if c.klass == "human" and c.bot is None and c.fixes is None and c.fixes_incident is None
        ]
        squashes = [c for c in human_after if c.delivery == "squash" and c.kind in CODE_KINDS]
        direct = [c for c in human_after if c.delivery == "direct"]
        for change in self.rng.sample(squashes, min(6, len(squashes))):
            change.awkward = "inherited-coauthors"
        for label, count in (
            ("mentions-ai-in-prose", 9),
            ("tool-named-human-coauthor", 6),
            ("aider-committer-only", 4),
            ("github-issue-reference", 5),
            ("hostile-text", 3),
        ):
            pool = [c for c in direct if c.awkward is None]
            for change in self.rng.sample(pool, min(count, len(pool))):
                change.awkward = label
        self._hostile_incident_title()

    def _switch_trailers_off(self) -> None:
        """From the scenario's date, the team's AI-assisted changes carry no marker (the
        tool is still used, and its telemetry still counts); review suggestions applied on
        github.com keep GitHub's co-author line. Drawn from nothing, so the rest of the
        plan does not move."""
        telemetry = self.s.telemetry
        if telemetry.trailers_off_team is None or telemetry.trailers_off_from is None:
            return
        for change in self.changes:
            if (
                change.klass == "ai_assisted"
                and change.tool is not None
                and change.tool.key not in _SUGGESTIONS  # GitHub writes those, not the team
                and change.at.date() >= telemetry.trailers_off_from
                and TEAM_OF.get(change.person.key) == telemetry.trailers_off_team
            ):
                change.unmarked = True
                change.trailers_off = True

    def _hostile_incident_title(self) -> None:
        """One code-caused incident whose title carries markup, a link and a mention, as
        pasted alerts do: every report and page must show it as text. (Chosen without
        drawing from the generator, so the rest of the plan does not move.)"""
        code = [i for i in self.incidents if i.fault is not None and i.source == "pagerduty"]
        if code:
            code[len(code) // 2].title = HOSTILE_INCIDENT_TITLE

    def _number_incidents(self) -> None:
        self.incidents.sort(key=lambda i: (i.created_at, i.key))
        start = {"pagerduty": 3101, "incidentio": 1, "csv": 1}
        for incident in self.incidents:
            incident.number = start[incident.source]
            start[incident.source] += 1


_SUGGESTIONS = ("copilot-review", "gemini-review")
#: ``awkward`` of an AI-assisted commit whose team had switched its trailers off.
TRAILERS_OFF = "trailers-off"
HOSTILE_INCIDENT_TITLE = (
    "Receipts show <b>raw HTML</b> & [sign in again](http://evil.example/login) | @oncall"
)
_SUGGESTION_START = dt.date(2025, 4, 1)


def plan_history(scenario: Scenario, rng: random.Random) -> Plan:
    """The whole history of ``scenario`` as a plan, drawn from ``rng``."""
    return Planner(scenario, rng).plan()
