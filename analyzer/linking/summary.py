"""What a linking run did: link counts, and notes on what it could not link and why."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping

NoteKind = str
#: Note kinds, for readers of ``link_notes``.
NOTE_KINDS: Mapping[NoteKind, str] = {
    "szz_no_candidate": "SZZ found no inducing commit for a fix (e.g. the fix only adds lines)",
    "szz_unavailable": "SZZ could not run for a fix (repository missing or unreadable)",
    "unresolved_reference": "a commit or pull request the incident names is unknown or ambiguous",
    "no_fix": "no fix commit is known for the incident",
}


@dataclasses.dataclass(frozen=True)
class LinkNote:
    """Why an incident is linked less than it could be; ``sha`` is the fix concerned, if any."""

    incident_id: str
    kind: NoteKind
    detail: str
    repo_id: str | None = None
    sha: str | None = None


@dataclasses.dataclass(frozen=True)
class LinkSummary:
    """The outcome of :func:`analyzer.linking.link_incidents`.

    ``links`` counts links by ``"method/role"``; ``incidents_by_role`` counts incidents
    with at least one link of each role.
    """

    szz_variant: str
    incidents: int
    links: Mapping[str, int]
    incidents_by_role: Mapping[str, int]
    unlinked_incidents: int
    notes: tuple[LinkNote, ...]
    seconds: float

    def count(self, method: str, role: str) -> int:
        return self.links.get(f"{method}/{role}", 0)

    def notes_of(self, kind: NoteKind) -> list[LinkNote]:
        return [note for note in self.notes if note.kind == kind]

    def lines(self) -> list[str]:
        """A plain-words report, one line each."""
        out = [
            f"Linked {self.incidents} incident(s) in {self.seconds:.1f}s "
            f"(SZZ variant {self.szz_variant})"
        ]
        for role in ("fix", "inducing", "related"):
            by_method = {
                key.split("/")[0]: n for key, n in self.links.items() if key.endswith(f"/{role}")
            }
            methods = ", ".join(f"{m} {n}" for m, n in sorted(by_method.items())) or "none"
            out.append(
                f"  {role + ':':<10}{self.incidents_by_role.get(role, 0)} incident(s); "
                f"links by method: {methods}"
            )
        out.append(f"  {'unlinked:':<10}{self.unlinked_incidents} incident(s)")
        for kind, n in sorted(Counter(note.kind for note in self.notes).items()):
            out.append(f"  note: {n} x {kind}: {NOTE_KINDS.get(kind, kind)}")
        return out
