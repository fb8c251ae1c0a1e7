"""Commit messages as people, agents and bots write them.

Subjects follow the change's kind and what it touched; people who use conventional
commits write ``feat(checkout): ...``; AI-assisted commits tend to have longer bodies;
fixes quote incident ids in the form each incident tool uses (``PD #3142``, ``INC-57``,
``OPS-12``). The awkward cases attribution must not fall for are written here too.
"""

from __future__ import annotations

import itertools
import random
import re

from sample_repos.edits import Edit
from sample_repos.history import Change, IncidentPlan
from sample_repos.people import OTHER_CONTRIBUTORS, TEAM, Identity
from sample_repos.render import RENDERERS, words
from sample_repos.services import SERVICE_BY_NAME
from sample_repos.source import Atom

_FEATURE = (
    "Add a rule for {topic} to {function}",
    "Support {topic} in {module}",
    "Handle {topic} in {function}",
    "{Module}: handle {topic}",
)
_BUGFIX = (
    "Fix the {topic} check in {function}",
    "Correct handling of {topic} in {module}",
    "Fix off-by-one in {function}",
    "Tighten the {field} guard in {function}",
)
_TEST = ("Add tests for {function}", "Cover {function} edge cases", "Test {topic} in {function}")
_HUMAN_NOTES = (
    "Found while looking at last week's dashboards.",
    "Small, self-contained; tests pass locally.",
    "Follow-up from the review on the previous PR.",
    "Keeps behaviour the same for existing customers.",
)
_DOCS = (
    "Update {service} runbook",
    "Document {service} alert thresholds",
    "Describe {service} rollback steps",
)
_CONFIG = (
    "Tune {service} {field}",
    "Adjust {service} {field} for production",
    "Bump {service} {field}",
)
_CONVENTIONAL = {
    "feature": "feat",
    "bugfix": "fix",
    "refactor": "refactor",
    "test": "test",
    "docs": "docs",
    "config": "chore",
    "move": "refactor",
    "delete": "chore",
    "fix": "fix",
}
_PROSE_MENTIONS = (
    "Fix cursor pagination in {module}",
    "Rename copilot_enabled flag to assistant_enabled",
    "Document that Claude and Copilot suggestions still need a human review",
    "Fix cursor position after {function} re-renders",
    "Note in the runbook that the Cursor trial ended",
    "Compare with Copilot's suggestion; keep the simpler rule in {function}",
    "Remove claude-experiments notes from {service} docs",
    "Handle the cursor field of paged {module} responses",
    "Explain why we do not use Claude for {service} migrations",
)
_HOSTILE = (
    "Escape <script> in receipt notes; thanks @everyone for the reports",
    "Render [docs](javascript:alert(1)) links in {module} as plain text",
    "Strip <img src=x onerror=alert(1)> from review bodies | `{function}` | **bold**",
)
_INHERITED_AI = (
    "Co-authored-by: Cursor Agent <cursoragent@cursor.com>",
    "Co-Authored-By: Claude <noreply@anthropic.com>",
    "Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>",
)


def lower_first(text: str) -> str:
    """Lower-case a sentence's first letter, but leave acronyms (``SMS``, ``TLS``) alone."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def topic(atom: Atom, service_name: str) -> str:
    """What a condition is about, in words: "apac region", "gift orders", "amount over 300"."""
    service = SERVICE_BY_NAME[service_name]
    subject = next(s for s in service.subjects if s.name == atom.subject)
    noun = re.sub(r"(?<!^)([A-Z])", r" \1", subject.type_name).lower() + "s"
    if atom.kind == "str":
        return f"{atom.value} {words(atom.field)}"
    if atom.kind == "bool":
        trait = words(atom.field.removeprefix("is_"))
        return f"{trait} {noun}" if atom.op == "truthy" else f"non-{trait} {noun}"
    side = "over" if atom.op in (">", ">=") else "under"
    return f"{words(atom.field)} {side} {atom.value}"


def reference(incident: IncidentPlan, rng: random.Random) -> tuple[str, str]:
    """How a commit names the incident: (text for the subject, text for the body)."""
    if incident.source == "pagerduty":
        return f"(PD #{incident.number})", rng.choice(
            (f"Fixes PagerDuty incident #{incident.number}.", f"PagerDuty: #{incident.number}")
        )
    ref = incident_reference(incident)
    return f"({ref})", rng.choice((f"Fixes {ref}.", f"Resolves {ref}."))


def incident_reference(incident: IncidentPlan) -> str:
    """The id people type for an incident: ``PD #3101``, ``INC-7`` (incident.io), ``OPS-7``."""
    return {
        "pagerduty": f"PD #{incident.number}",
        "incidentio": f"INC-{incident.number}",
        "csv": f"OPS-{incident.number}",
    }[incident.source]


class MessageWriter:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._hostile = itertools.cycle(_HOSTILE)

    def _fill(self, template: str, change: Change, edit: Edit | None) -> str:
        module = words(edit.module) if edit and edit.module else change.service
        function = module
        if edit and edit.function:
            function = RENDERERS[edit.language].function_name(edit.function)
        values = {
            "service": change.service,
            "module": module,
            "Module": module.capitalize(),
            "function": function,
            "field": words(edit.field) if edit and edit.field else "limits",
            "topic": topic(edit.atom, edit.service) if edit and edit.atom else "edge cases",
        }
        return template.format(**values)

    def subject(self, change: Change, edit: Edit | None) -> str:
        """The first line for a human, agent or assisted change of ``change.kind``."""
        if change.awkward == "mentions-ai-in-prose":
            return self._fill(self.rng.choice(_PROSE_MENTIONS), change, edit)
        if change.awkward == "hostile-text":  # each form in turn, so every scenario has all
            return self._fill(next(self._hostile), change, edit)
        text = self._plain_subject(change, edit)
        if change.person.conventional and change.klass == "human" and change.kind in _CONVENTIONAL:
            prefix = _CONVENTIONAL[change.kind]
            if prefix == "fix":
                text = text.removeprefix("Fix the ").removeprefix("Fix ")
            text = f"{prefix}({change.service}): {lower_first(text)}"
        return text

    def _plain_subject(self, change: Change, edit: Edit | None) -> str:
        kind = change.kind
        if kind == "refactor" and edit is not None and edit.value == "table":
            return self._fill(
                "Replace {field} branches in {function} with a lookup table", change, edit
            )
        if kind == "refactor" and edit is not None:
            return self._fill("Extract {field} rules from {function}", change, edit)
        if kind == "move" and edit is not None and edit.moved:
            folder = edit.moved[0][1].rsplit("/", 2)[-2]
            return f"Move {words(edit.module)} into {folder}/"
        if kind == "delete" and edit is not None:
            return f"Remove unused {words(edit.module)} module"
        if kind == "fix" and change.fixes is not None and change.fixes.incident is not None:
            title = change.fixes.incident.title
            return f"Fix {lower_first(title)}"
        templates = {
            "feature": _FEATURE,
            "bugfix": _BUGFIX,
            "test": _TEST,
            "docs": _DOCS,
            "config": _CONFIG,
            "fix": _BUGFIX,
        }.get(kind, _FEATURE)
        return self._fill(self.rng.choice(templates), change, edit)

    def body(self, change: Change, edit: Edit | None) -> list[str]:
        """Paragraphs after the subject (AI-assisted work tends to explain itself more)."""
        paragraphs: list[str] = []
        is_ai = change.klass in ("ai_assisted", "ai_authored")
        if is_ai and edit is not None and edit.atom is not None and self.rng.random() < 0.8:
            rules = len(edit.added)
            bullets = [self._fill("- Update {function} in {module}", change, edit)]
            if rules:
                plural = "s" if rules > 1 else ""
                bullets.append(self._fill(f"- Add {rules} rule{plural} ({{topic}})", change, edit))
            if edit.lines > 12:
                bullets.append("- Cover the new behaviour with tests")
            summary = self._fill("Make {function} handle {topic} explicitly.", change, edit)
            paragraphs += [summary, "\n".join(bullets)]
        elif change.klass == "human" and self.rng.random() < 0.35:
            paragraphs.append(self.rng.choice(_HUMAN_NOTES))
        if change.awkward == "github-issue-reference":
            paragraphs.append(f"Fixes #{self.rng.randint(12, 240)}")
        return paragraphs

    def human_trailers(self, change: Change) -> list[str]:
        """Trailers people add themselves: pair co-authors, sign-offs, inherited ones."""
        trailers: list[str] = []
        if change.awkward == "tool-named-human-coauthor":
            named = [p for p in TEAM if p.key in ("cline", "devin") and p is not change.person]
            trailers.append(f"Co-authored-by: {self.rng.choice(named).identity}")
        elif change.klass == "human" and self.rng.random() < 0.05:
            mate = self.rng.choice([p for p in TEAM if p is not change.person])
            trailers.append(f"Co-authored-by: {mate.identity}")
        if change.awkward == "inherited-coauthors":
            crowd = self.rng.sample(OTHER_CONTRIBUTORS, self.rng.randint(25, 60))
            lines = [f"Co-authored-by: {who}" for who in crowd]
            lines.insert(self.rng.randint(0, len(lines)), self.rng.choice(_INHERITED_AI))
            trailers += lines
        if change.person.signs_off and change.klass != "ai_authored":
            trailers.append(f"Signed-off-by: {change.person.identity}")
        return trailers

    def config_fix_subject(self, incident: IncidentPlan) -> str:
        return {
            "traffic_spike": f"Scale {incident.service} out for traffic spikes",
            "upstream_outage": f"Raise upstream retries for {incident.service}",
            "certificate_expiry": "Renew edge certificates earlier",
            "dns": "Lower DNS TTL at the edge",
            "cloud_provider": f"Add a second zone for {incident.service}",
            "cache_loss": f"Increase cache failover timeout for {incident.service}",
        }.get(incident.cause, f"Tune {incident.service} settings")


def compose(subject: str, paragraphs: list[str], trailers: list[str], footer: str | None) -> str:
    """Join the parts the way git and the tools lay them out."""
    parts = [subject, *paragraphs]
    if footer:
        parts.append(footer)
    if trailers:
        parts.append("\n".join(trailers))
    return "\n\n".join(parts)


def squash_message(
    title: str,
    pr: int,
    commit_subjects: list[str],
    paragraphs: list[str],
    trailers: list[str],
    footer: str | None,
) -> str:
    """GitHub's squash-merge message: title (#PR), the squashed subjects, then trailers."""
    bullets = [f"* {s}" for s in commit_subjects] if len(commit_subjects) > 1 else []
    return compose(f"{title} (#{pr})", [*bullets, *paragraphs], trailers, footer)


def merge_message(pr: int, branch: str, title: str) -> str:
    return f"Merge pull request #{pr} from acme-example/{branch}\n\n{title}"


def revert_message(subject: str, sha: str, reason: str) -> str:
    return f'Revert "{subject}"\n\nThis reverts commit {sha}.\n\n{reason}'


def identity_variant(change: Change, rng: random.Random) -> Identity:
    person = change.person
    if person.variants and rng.random() < person.variant_share:
        return rng.choice(person.variants)
    return person.identity
