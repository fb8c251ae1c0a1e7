"""How well the ``inducing`` links match a ground truth (the sample scenarios' ``truth.json``).

Each incident of the truth has its true inducing commits (none for an incident with no code
cause, one in the sample scenarios, sometimes several in a real oracle); every ``inducing``
link Jevons made is either one of them (a true positive) or a false positive, and a true
commit with no link is a false negative. On first-parent history the commit that counts is the
mainline one that brought the change in (a merge, for work done on a branch).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from analyzer.store import Store


@dataclasses.dataclass(frozen=True)
class IncidentScore:
    """One incident: its true inducing commits (none: no code cause) and the ones linked."""

    incident_id: str
    cause: str
    truth: frozenset[str]
    linked: frozenset[str]

    @property
    def true_positives(self) -> int:
        return len(self.truth & self.linked)

    @property
    def false_positives(self) -> int:
        return len(self.linked - self.truth)

    @property
    def false_negatives(self) -> int:
        return len(self.truth - self.linked)


@dataclasses.dataclass(frozen=True)
class LinkingAccuracy:
    """Precision, recall and F1 of ``inducing`` links over a set of incidents."""

    incidents: tuple[IncidentScore, ...]
    unmatched: tuple[str, ...] = ()

    @property
    def true_positives(self) -> int:
        return sum(s.true_positives for s in self.incidents)

    @property
    def false_positives(self) -> int:
        return sum(s.false_positives for s in self.incidents)

    @property
    def false_negatives(self) -> int:
        return sum(s.false_negatives for s in self.incidents)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def without_code_cause(self) -> list[IncidentScore]:
        """Incidents with no code cause that were nevertheless linked to an inducing commit."""
        return [s for s in self.incidents if not s.truth and s.linked]


def score_inducing_links(
    store: Store, truth_incidents: Sequence[Mapping[str, Any]], *, first_parent: bool = True
) -> LinkingAccuracy:
    """Score the store's ``inducing`` links against the truth's incidents.

    A truth incident is matched to the stored incident whose id ends with its native id
    (the importers prefix ids with their source).
    """
    linked = inducing_links(store)
    stored = _stored_ids(store.query("SELECT incident_id FROM incidents"))
    scores, unmatched = [], []
    key = "inducing_mainline_commit" if first_parent else "inducing_commit"
    for entry in truth_incidents:
        native = str(entry["ids"]["id"])
        incident_id = stored.get(native)
        if incident_id is None:
            unmatched.append(native)
            continue
        scores.append(
            IncidentScore(
                incident_id=incident_id,
                cause=str(entry.get("cause", "")),
                truth=frozenset([entry[key]] if entry.get(key) else []),
                linked=linked.get(incident_id, frozenset()),
            )
        )
    return LinkingAccuracy(tuple(scores), tuple(unmatched))


def inducing_links(store: Store) -> dict[str, frozenset[str]]:
    """The commits each incident is linked to as ``inducing`` (in any repository)."""
    linked: dict[str, set[str]] = defaultdict(set)
    for incident_id, sha in store.query(
        "SELECT incident_id, sha FROM incident_links WHERE role = 'inducing'"
    ):
        linked[incident_id].add(sha)
    return {incident_id: frozenset(shas) for incident_id, shas in linked.items()}


def _stored_ids(rows: Iterable[tuple[Any, ...]]) -> dict[str, str]:
    return {str(row[0]).split(":", 1)[-1]: str(row[0]) for row in rows}
