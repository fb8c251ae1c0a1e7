"""The kinds of change a team makes, as edits of the source model.

Features add if-blocks and functions (complexity rises), bug fixes tweak existing blocks
and add guards, refactors fold blocks into lookup tables or extract helpers (complexity
falls), and housekeeping moves and deletes modules. Every edit returns an :class:`Edit`
saying what it did, for the commit message, the locks and the ground truth.
"""

from __future__ import annotations

import copy
import dataclasses

from sample_repos.codebase import Codebase
from sample_repos.render import block_lines, line_count
from sample_repos.services import Service
from sample_repos.source import (
    Atom,
    Block,
    Condition,
    Function,
    Lookup,
    SourceFile,
    Statement,
    Table,
)

MAX_BLOCKS = 20


@dataclasses.dataclass
class Edit:
    """What one change did to the code."""

    kind: str
    service: str
    module: str = ""
    function: str = ""
    field: str = ""
    value: str = ""
    language: str = ""
    atom: Atom | None = None  # the first condition touched, for the commit message
    added: list[tuple[SourceFile, Function, Block]] = dataclasses.field(default_factory=list)
    new_functions: list[tuple[SourceFile, Function]] = dataclasses.field(default_factory=list)
    modified: list[tuple[SourceFile, Block, Condition, Statement]] = dataclasses.field(
        default_factory=list
    )
    created: list[SourceFile] = dataclasses.field(default_factory=list)
    moved: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    deleted: list[str] = dataclasses.field(default_factory=list)
    lines: int = 0

    def describe(self, file: SourceFile, function: Function, block: Block | None) -> None:
        """Remember the first place touched, for the commit message."""
        if self.module:
            return
        self.module, self.function, self.language = file.module, function.name, file.language
        if block is not None:
            self.atom = block.cond.atoms[0]
            self.field = self.atom.field


def _unlocked_functions(file: SourceFile) -> list[Function]:
    return [f for f in file.functions if f.locked_by is None and len(f.blocks) < MAX_BLOCKS]


def add_block(cb: Codebase, edit: Edit, file: SourceFile, function: Function) -> None:
    service = cb.service(file)
    block = cb.block(service, function, file)
    function.blocks.insert(cb.rng.randint(0, len(function.blocks)), block)
    edit.added.append((file, function, block))
    edit.describe(file, function, block)
    edit.lines += block_lines(file.language)
    cb.mark(file.path)


def _add_function(cb: Codebase, edit: Edit, file: SourceFile) -> Function:
    service = cb.service(file)
    function = cb.function(service, file, cb.rng.randint(1, 3))
    file.functions.insert(cb.rng.randint(0, len(file.functions)), function)
    edit.new_functions.append((file, function))
    edit.added += [(file, function, block) for block in function.blocks]
    edit.describe(file, function, function.blocks[0])
    edit.lines += line_count(function, file.language) + 2
    cb.mark(file.path)
    return function


def _is_small(file: SourceFile) -> bool:
    return sum(len(fn.blocks) + 5 for fn in file.functions) < 100


def _pick_file(cb: Codebase, files: list[SourceFile]) -> SourceFile:
    """Prefer files that are still of a readable size."""
    small = [f for f in files if _is_small(f)]
    return cb.rng.choice(small or files)


def feature(cb: Codebase, service: Service, size: int, *, revertable: bool = False) -> Edit:
    """Add behaviour: new blocks in existing functions, new functions, sometimes a module.

    A ``revertable`` feature stays in one existing file and writes no tests, so that a
    later ``git revert``-style commit can take exactly its lines out again.
    """
    edit = Edit("feature", service.name)
    files = cb.files_of(service.name)
    wants_module = (
        (size > 70 and cb.rng.random() < 0.5)
        or cb.rng.random() < 0.05
        or not any(_is_small(f) for f in files)
    )
    if not files or (wants_module and not revertable):
        file = cb.new_file(service, max(1, min(4, size // 14)))
        edit.created.append(file)
        edit.new_functions += [(file, f) for f in file.functions]
        edit.added += [(file, f, b) for f in file.functions for b in f.blocks]
        edit.describe(file, file.functions[0], file.functions[0].blocks[0])
        edit.lines += sum(line_count(f, file.language) + 2 for f in file.functions)
        files = [file]
    file = _pick_file(cb, files)
    while edit.lines < size:
        functions = _unlocked_functions(file)
        if functions and cb.rng.random() < 0.65:
            # Short functions attract new rules more often than long ones, but long
            # ones keep growing too: that is how CCN 20+ functions happen.
            weights = [1 / (1 + len(f.blocks)) for f in functions]
            add_block(cb, edit, file, cb.rng.choices(functions, weights)[0])
        else:
            _add_function(cb, edit, file)
        if not revertable and len(files) > 1 and cb.rng.random() < 0.12:
            file = _pick_file(cb, files)
    if not revertable and cb.rng.random() < 0.55:
        _add_tests(cb, edit)
    return edit


def _add_tests(cb: Codebase, edit: Edit) -> None:
    touched = {id(f): (f, fn) for f, fn, _ in edit.added}
    for file, function in list(touched.values())[:2]:
        if cb.add_test(file, function) is not None:
            edit.lines += 4


def _tweak_condition(cb: Codebase, file: SourceFile, block: Block) -> None:
    """Change a condition the way a fix does: an off-by-one, a wrong value, a missing case."""
    renderer = cb.renderer(file)
    taken = {renderer.condition(b.cond) for _, b in file.blocks()}
    file.condition_texts = None
    service = cb.service(file)
    for _ in range(30):
        cond = copy.deepcopy(block.cond)
        cond.rendered = ""
        atom = cb.rng.choice(cond.atoms)
        if atom.kind == "num" and isinstance(atom.value, int):
            flips = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}
            if cb.rng.random() < 0.5:
                atom.op = flips[atom.op]
            else:
                atom.value += cb.rng.choice((-5, -2, -1, 1, 2, 5, 10))
        elif atom.kind == "str":
            field = next(
                f
                for s in service.subjects
                if s.name == atom.subject
                for f in s.fields
                if f.name == atom.field
            )
            atom.value = cb.rng.choice([v for v in field.values if v != atom.value])
        else:
            atom.op = "falsy" if atom.op == "truthy" else "truthy"
        if renderer.condition(cond) not in taken:
            block.cond = cond
            return
    # Every small tweak is taken: widen the condition with one more clause instead.
    function = next(f for f in file.functions if block in f.blocks)
    extra = cb.condition(service, function.subjects, file).atoms[0]
    block.cond = Condition([*block.cond.atoms, extra], [*block.cond.joins, "and"])


def _tweak_body(cb: Codebase, block: Block) -> None:
    old = block.body.amount
    while block.body.amount == old:
        block.body = Statement(
            block.body.acc, block.body.op, max(1, old + cb.rng.choice((-10, -3, -1, 1, 3, 7)))
        )
        if block.body.op == "scale" and block.body.amount == 100:
            block.body.amount = 105


def modify_block(cb: Codebase, edit: Edit, file: SourceFile, block: Block, *, body: bool) -> None:
    """Rewrite a block's condition line (and its body line if ``body``), recording the old."""
    edit.modified.append((file, block, copy.deepcopy(block.cond), copy.deepcopy(block.body)))
    _tweak_condition(cb, file, block)
    if body:
        _tweak_body(cb, block)
    block.touched_by, block.touched_at = cb.touch.change, cb.touch.at
    edit.lines += 4 if body else 2
    cb.mark(file.path)


def bugfix(cb: Codebase, service: Service, size: int, *, revertable: bool = False) -> Edit:
    """Fix a bug no incident was filed for: tweak one or two blocks and add a guard."""
    edit = Edit("bugfix", service.name)
    candidates = [
        (file, function, block)
        for file in cb.files_of(service.name)
        for function in file.functions
        if function.locked_by is None
        for block in function.blocks
        if block.locked_by is None
    ]
    if not candidates:
        return feature(cb, service, size, revertable=revertable)
    file, function, block = cb.rng.choice(candidates)
    edit.describe(file, function, block)
    modify_block(cb, edit, file, block, body=cb.rng.random() < 0.5)
    siblings = [b for b in function.blocks if b.locked_by is None and b is not block]
    if siblings and cb.rng.random() < 0.3 and not revertable:
        modify_block(cb, edit, file, cb.rng.choice(siblings), body=False)
    while edit.lines < size or not edit.added:
        if len(function.blocks) >= MAX_BLOCKS:
            function = _add_function(cb, edit, file)
        add_block(cb, edit, file, function)
    if not revertable and cb.rng.random() < 0.5:
        _add_tests(cb, edit)
    return edit


def refactor(cb: Codebase, service: Service, size: int) -> Edit:
    """Fold a long function's blocks into a table, or extract them into a helper."""
    candidates = [
        (file, function)
        for file in cb.files_of(service.name)
        for function in file.functions
        if not function.has_lock and len(function.blocks) >= 5 and not function.takes_acc
    ]
    if not candidates:
        return feature(cb, service, size)
    file, function = max(candidates, key=lambda pair: (len(pair[1].blocks), pair[1].fid))
    if cb.rng.random() < 0.5:
        edit = _fold_into_table(cb, file, function)
    else:
        edit = _extract_helper(cb, file, function)
    add_block(cb, edit, file, function)  # the refactor's own new guard
    return edit


def _fold_into_table(cb: Codebase, file: SourceFile, function: Function) -> Edit:
    edit = Edit("refactor", file.service, file.module, function.name, language=file.language)
    service = cb.service(file)
    subject = cb.rng.choice([s for s in service.subjects if s.name in function.subjects])
    field = cb.rng.choice([f for f in subject.fields if f.kind == "str"] or subject.fields[:1])
    count = cb.rng.randint(3, max(3, len(function.blocks) - 2))
    removed = function.blocks[:count]
    function.blocks = function.blocks[count:]
    names = {t.name for t in file.tables}
    name = f"{field.name}_{function.acc}s"
    while name in names:
        name = f"{name}_{cb.new_id()}"
    values = field.values or tuple(str(v) for v in range(1, count + 1))
    entries = [
        (value, cb.rng.randint(1, 60)) for value in values[: max(2, min(count, len(values)))]
    ]
    file.tables.append(Table(name, subject.name, field.name, entries))
    function.lookups.append(Lookup(function.acc, "table", name, subject.name, field.name))
    edit.field, edit.value = field.name, "table"
    edit.lines = len(removed) * block_lines(file.language) + len(entries) + 4
    cb.mark(file.path)
    return edit


def _extract_helper(cb: Codebase, file: SourceFile, function: Function) -> Edit:
    edit = Edit("refactor", file.service, file.module, function.name, language=file.language)
    count = cb.rng.randint(2, max(2, len(function.blocks) // 2))
    moved = function.blocks[-count:]
    function.blocks = function.blocks[:-count]
    atom = moved[0].cond.atoms[0]
    names = {f.name for f in file.functions}
    name = f"{function.name}_for_{atom.field}"
    while name in names:
        name = f"{name}_{cb.new_id()}"
    helper = Function(
        fid=cb.new_id(),
        name=name,
        doc=f"Apply the {atom.field.replace('_', ' ')} rules of {function.name}.",
        subjects=function.subjects,
        acc=function.acc,
        init=0,
        lookups=[],
        blocks=[],
        added_by=cb.touch.change,
        takes_acc=True,
    )
    for block in moved:  # moved lines are new lines as far as blame is concerned
        block.touched_by, block.touched_at = cb.touch.change, cb.touch.at
        helper.blocks.append(block)
    file.functions.insert(file.functions.index(function) + 1, helper)
    function.lookups.append(Lookup(function.acc, "helper", name))
    edit.field, edit.value = atom.field, "helper"
    edit.lines = 2 * count * block_lines(file.language) + 6
    cb.mark(file.path)
    return edit


def add_tests(cb: Codebase, service: Service, size: int = 8) -> Edit:
    edit = Edit("test", service.name)
    files = [f for f in cb.files_of(service.name) if f.test is not None and f.functions]
    if not files:
        return feature(cb, service, size)
    for file in cb.rng.sample(files, min(len(files), cb.rng.randint(1, 2))):
        functions = [f for f in file.functions if f.locked_by is None]
        if not functions:
            continue
        function = cb.rng.choice(functions)
        edit.describe(file, function, None)
        for _ in range(cb.rng.randint(1, 3)):
            cb.add_test(file, function)
            edit.lines += 4
    return edit


def move_module(cb: Codebase, service: Service) -> Edit:
    """Reorganise: move a module into a sub-package (git sees a rename)."""
    edit = Edit("move", service.name)
    files = cb.files_of(service.name)
    if not files:
        return add_tests(cb, service)
    file = cb.rng.choice(files)
    renderer = cb.renderer(file)
    options = [
        d
        for d in service.subdirs
        if not cb.exists(renderer.source_path(service, file.module, d))
        and renderer.source_path(service, file.module, d) != file.path
    ]
    if not options:
        return add_tests(cb, service)
    old, new = cb.move(file, cb.rng.choice(options))
    edit.moved.append((old, new))
    edit.module, edit.language = file.module, file.language
    return edit


def delete_module(cb: Codebase, service: Service) -> Edit:
    """Remove a module nobody calls any more (only one with no open fault in it)."""
    files = [f for f in cb.files_of(service.name) if not f.has_lock]
    if len(cb.files_of(service.name)) <= 4 or not files:
        return move_module(cb, service)
    file = cb.rng.choice(files)
    edit = Edit("delete", service.name, module=file.module, language=file.language)
    edit.deleted = cb.delete(file)
    return edit


def remove_additions(cb: Codebase, edit: Edit) -> Edit:
    """Take out exactly what ``edit`` added and restore what it modified (a revert)."""
    revert = Edit("revert", edit.service, edit.module, edit.function, language=edit.language)
    new_functions = {id(f) for _, f in edit.new_functions}
    for file, function in edit.new_functions:
        if function in file.functions:
            file.functions.remove(function)
            cb.mark(file.path)
    for file, function, block in edit.added:
        if id(function) not in new_functions and block in function.blocks:
            function.blocks.remove(block)
            cb.mark(file.path)
    for file, block, cond, body in edit.modified:
        file.condition_texts = None
        block.cond, block.body = cond, body
        block.locked_by = None
        block.touched_by, block.touched_at = cb.touch.change, cb.touch.at
        cb.mark(file.path)
    return revert
