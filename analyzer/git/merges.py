"""Which commits each merge on the first-parent chain brings in, from one graph read.

A merge ``M`` on the mainline brings in exactly what ``git rev-list M^1..M`` lists besides
``M`` itself: the commits reachable from its other parents that its first parent cannot
reach. Asking git that once per merge would start a process per merge; instead one
``git log`` lists the whole graph (parents only are kept) and the chain is walked oldest to
newest with a ``seen`` set holding everything reachable so far. Before mainline commit
``C`` is walked, ``seen`` is exactly what ``C^1`` reaches, and it is closed under
ancestry, so a search from ``C``'s other parents may stop at any commit already seen:
each commit of the graph is visited once in all. Criss-cross merges and merges of the
mainline into a branch need no special case: mainline commits are in ``seen`` by the
time a branch reaches them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path

from analyzer.git.log import read_graph

#: commit SHA -> its parents, first parent first
Parents = Mapping[str, Sequence[str]]


def read_parents(repo_dir: Path, head: str) -> dict[str, tuple[str, ...]]:
    """Every commit reachable from ``head`` with its parents (one streaming ``git log``)."""
    return {commit.sha: commit.parents for commit in read_graph(repo_dir, head)}


def first_parent_chain(parents: Parents, head: str) -> list[str]:
    """``head``'s first-parent chain, oldest first (what first-parent mining lists)."""
    chain: list[str] = []
    sha: str | None = head
    while sha is not None and sha in parents:
        chain.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    chain.reverse()
    return chain


def merged_by_mainline(
    parents: Parents, head: str, merges: Collection[str] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """For each merge on ``head``'s first-parent chain, oldest first, the commits it brings
    in (``M^1..M`` without ``M``, in no particular order); only the merges in ``merges`` if given
    (the walk still covers the whole chain, which is what makes the sets exact)."""
    seen: set[str] = set()
    for sha in first_parent_chain(parents, head):
        seen.add(sha)
        others = parents[sha][1:]
        if not others:
            continue
        brought = _unseen_ancestors(others, parents, seen)
        if merges is None or sha in merges:
            yield sha, brought


def _unseen_ancestors(starts: Sequence[str], parents: Parents, seen: set[str]) -> list[str]:
    """The commits reachable from ``starts`` not yet in ``seen``; adds them to ``seen``.
    A parent the graph does not hold (beyond a shallow clone's boundary) is left out."""
    found: list[str] = []
    stack = [sha for sha in starts if sha in parents]
    while stack:
        sha = stack.pop()
        if sha in seen:
            continue
        seen.add(sha)
        found.append(sha)
        stack.extend(p for p in parents[sha] if p not in seen and p in parents)
    return found
