"""The source code of a sample repository as a model that renders to real files.

A source file holds functions; a function holds straight-line lookups and independent
``if`` blocks (each one condition line and one body line), so adding or removing a block
never rewrites another block's lines. That property is what lets a fault's lines keep
their blame from the commit that introduced them to the commit that fixes them. Locks
keep every other change off a fault's lines until its fix lands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator


@dataclasses.dataclass
class Atom:
    """One comparison in a condition: ``order.total > 50``."""

    subject: str
    field: str
    kind: str  # num | str | bool
    op: str  # > >= < <= == != | truthy falsy
    value: str | int | None = None


@dataclasses.dataclass
class Condition:
    atoms: list[Atom]
    joins: list[str]  # "and" / "or", one fewer than atoms
    rendered: str = dataclasses.field(default="", compare=False)  # cache, cleared on change

    @property
    def decisions(self) -> int:
        """Cyclomatic complexity this condition adds (the ``if`` plus each boolean operator)."""
        return len(self.atoms)


@dataclasses.dataclass
class Statement:
    """The body of a block: ``fee += 5``; ops: add sub scale set cap floor."""

    acc: str
    op: str
    amount: int


@dataclasses.dataclass
class Block:
    """An ``if`` block; ``touched_*`` say which change last wrote its lines."""

    bid: int
    cond: Condition
    body: Statement
    touched_by: int
    touched_at: dt.datetime
    locked_by: int | None = None


@dataclasses.dataclass
class Lookup:
    """A straight-line statement: a table lookup or a call to an extracted helper."""

    acc: str
    kind: str  # table | helper
    target: str
    subject: str = ""
    field: str = ""


@dataclasses.dataclass
class Table:
    """A module-level constant mapping a field's values to numbers."""

    name: str
    subject: str
    field: str
    entries: list[tuple[str, int]]


@dataclasses.dataclass
class Function:
    fid: int
    name: str
    doc: str
    subjects: tuple[str, str]
    acc: str
    init: int
    lookups: list[Lookup]
    blocks: list[Block]
    added_by: int
    locked_by: int | None = None
    takes_acc: bool = False  # an extracted helper: the accumulator comes in as a parameter

    @property
    def ccn(self) -> int:
        return 1 + sum(block.cond.decisions for block in self.blocks)

    @property
    def has_lock(self) -> bool:
        return self.locked_by is not None or any(b.locked_by is not None for b in self.blocks)


@dataclasses.dataclass
class TestCase:
    name: str
    function: str
    subject: str
    field: str
    value: str | int | bool
    expected: int


@dataclasses.dataclass
class TestFile:
    path: str
    cases: list[TestCase]


@dataclasses.dataclass
class SourceFile:
    path: str
    service: str
    language: str
    module: str
    functions: list[Function]
    tables: list[Table]
    test: TestFile | None = None
    reserved_by: int | None = None  # a feature branch is working on it
    # Rendered conditions already in the file; None when it must be recomputed. Extra
    # entries (of removed blocks) are harmless, missing ones are not: clear it on rewrites.
    condition_texts: set[str] | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def ccn(self) -> int:
        return sum(function.ccn for function in self.functions)

    @property
    def has_lock(self) -> bool:
        return any(function.has_lock for function in self.functions)

    def blocks(self) -> Iterator[tuple[Function, Block]]:
        for function in self.functions:
            for block in function.blocks:
                yield function, block

    def function_named(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)


@dataclasses.dataclass
class TextFile:
    """Anything that is not modelled code: docs, configuration, manifests, lock files."""

    path: str
    text: str
    reserved_by: int | None = None
