"""The repository's working state: every file as a model, and what each commit changed.

``Codebase`` owns the files (modelled source, tests, plain text), hands out fresh ids,
generates conditions and statements in each service's vocabulary, and records which paths
a commit wrote or removed so the stream writer can emit exactly those.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import random
from collections.abc import Iterator

from sample_repos.render import RENDERERS, Renderer
from sample_repos.services import SERVICE_BY_NAME, Service
from sample_repos.source import (
    Atom,
    Block,
    Condition,
    Function,
    SourceFile,
    Statement,
    TestCase,
    TestFile,
    TextFile,
)

_STATEMENT_OPS = (("add", 40), ("sub", 25), ("scale", 14), ("cap", 10), ("floor", 6), ("set", 5))


@dataclasses.dataclass
class Touch:
    """Who is writing right now: the change id, its time and the branch it works on."""

    change: int
    at: dt.datetime
    branch: int | None = None


class Codebase:
    """All files of the repository at the current point of its history."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sources: dict[str, SourceFile] = {}
        self.texts: dict[str, TextFile] = {}
        self.written: dict[str, None] = {}
        self.removed: dict[str, None] = {}
        self._next_id = 1
        self.touch = Touch(0, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))

    # --- ids, commits --------------------------------------------------------------
    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def begin(self, touch: Touch) -> None:
        self.touch = touch
        self.written.clear()
        self.removed.clear()

    def mark(self, path: str) -> None:
        self.written[path] = None
        self.removed.pop(path, None)

    def remove(self, path: str) -> None:
        self.sources.pop(path, None)
        self.texts.pop(path, None)
        self.written.pop(path, None)
        self.removed[path] = None

    def changes(self) -> tuple[list[tuple[str, bytes]], list[str]]:
        """What this commit wrote (path, content) and removed, in a stable order."""
        written = [(path, self.render(path)) for path in self.written]
        return written, list(self.removed)

    def render(self, path: str) -> bytes:
        if path in self.texts:
            return self.texts[path].text.encode()
        source = self._source_of_test(path)
        if source is not None and source.test is not None:
            text = RENDERERS[source.language].test(source.test, source, self.service(source))
            return text.encode()
        source = self.sources[path]
        return RENDERERS[source.language].source(source, self.service(source)).encode()

    def _source_of_test(self, path: str) -> SourceFile | None:
        if path in self.sources:
            return None
        return next((s for s in self.sources.values() if s.test and s.test.path == path), None)

    def exists(self, path: str) -> bool:
        return path in self.texts or path in self.sources or self._source_of_test(path) is not None

    # --- lookup --------------------------------------------------------------------
    @staticmethod
    def service(source: SourceFile) -> Service:
        return SERVICE_BY_NAME[source.service]

    @staticmethod
    def renderer(source: SourceFile) -> Renderer:
        return RENDERERS[source.language]

    def files_of(self, service: str) -> list[SourceFile]:
        """The service's source files this writer may touch (its branch's, or unreserved)."""
        branch = self.touch.branch
        return [
            f for f in self.sources.values() if f.service == service and f.reserved_by == branch
        ]

    def all_sources(self) -> Iterator[SourceFile]:
        return iter(self.sources.values())

    # --- text files ----------------------------------------------------------------
    def write_text(self, path: str, text: str) -> None:
        existing = self.texts.get(path)
        if existing is None:
            self.texts[path] = TextFile(path, text)
        elif existing.text == text:
            return
        else:
            existing.text = text
        self.mark(path)

    # --- generating code -----------------------------------------------------------
    def condition(self, service: Service, subjects: tuple[str, str], file: SourceFile) -> Condition:
        """A condition over the function's parameters whose line is unique in ``file``."""
        renderer = self.renderer(file)
        if file.condition_texts is None:
            file.condition_texts = {renderer.condition(b.cond) for _, b in file.blocks()}
        taken = file.condition_texts
        for _ in range(50):
            count = self.rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
            atoms = [self._atom(service, self.rng.choice(subjects)) for _ in range(count)]
            joins = [self.rng.choices(("and", "or"), weights=(75, 25))[0] for _ in atoms[1:]]
            cond = Condition(atoms, joins)
            text = renderer.condition(cond)
            if text not in taken:
                taken.add(text)
                return cond
        raise RuntimeError(f"no unique condition left in {file.path}")

    def _atom(self, service: Service, subject_name: str) -> Atom:
        subject = next(s for s in service.subjects if s.name == subject_name)
        field = self.rng.choice(subject.fields)
        if field.kind == "bool":
            op = self.rng.choices(("truthy", "falsy"), weights=(65, 35))[0]
            return Atom(subject.name, field.name, "bool", op)
        if field.kind == "str":
            op = self.rng.choices(("==", "!="), weights=(80, 20))[0]
            return Atom(subject.name, field.name, "str", op, self.rng.choice(field.values))
        op = self.rng.choice((">", ">=", "<", "<="))
        return Atom(subject.name, field.name, "num", op, self.rng.randint(field.low, field.high))

    def statement(self, acc: str) -> Statement:
        op = self.rng.choices([o for o, _ in _STATEMENT_OPS], [w for _, w in _STATEMENT_OPS])[0]
        ranges = {
            "add": (1, 60),
            "sub": (1, 40),
            "scale": (50, 150),
            "cap": (5, 500),
            "floor": (1, 50),
            "set": (0, 200),
        }
        low, high = ranges[op]
        amount = self.rng.randint(low, high)
        if op == "scale" and amount == 100:
            amount = 110
        return Statement(acc, op, amount)

    def block(self, service: Service, function: Function, file: SourceFile) -> Block:
        return Block(
            bid=self.new_id(),
            cond=self.condition(service, function.subjects, file),
            body=self.statement(function.acc),
            touched_by=self.touch.change,
            touched_at=self.touch.at,
        )

    def function(self, service: Service, file: SourceFile, blocks: int) -> Function:
        """A new function with ``blocks`` if-blocks and a name unused in the file."""
        taken = {f.name for f in file.functions}
        for _ in range(40):
            verb, noun = self.rng.choice(service.verbs), self.rng.choice(service.nouns)
            name = f"{verb}_{noun}"
            if name not in taken:
                break
        else:
            name = f"{verb}_{noun}_{self.new_id()}"
        subject_names = (service.subjects[0].name, service.subjects[1].name)
        function = Function(
            fid=self.new_id(),
            name=name,
            doc=f"{verb.capitalize()} the {noun.replace('_', ' ')} for a {subject_names[0]}.",
            subjects=subject_names,
            acc=noun.rsplit("_", 1)[-1],
            init=self.rng.choice((0, 0, 0, 1, 10, 100)),
            lookups=[],
            blocks=[],
            added_by=self.touch.change,
        )
        file.functions.append(function)  # present while its blocks pick unique conditions
        function.blocks = [self.block(service, function, file) for _ in range(blocks)]
        file.functions.remove(function)
        return function

    def new_file(self, service: Service, functions: int) -> SourceFile:
        """A new module for ``service`` with a few functions and a test file."""
        module = self._fresh_module(service)
        renderer = RENDERERS[service.language]
        path = renderer.source_path(service, module, None)
        file = SourceFile(path, service.name, service.language, module, [], [])
        file.reserved_by = self.touch.branch
        for _ in range(functions):
            file.functions.append(self.function(service, file, self.rng.randint(1, 3)))
        file.test = TestFile(renderer.test_path(service, file), [])
        self.sources[path] = file
        self.mark(path)
        return file

    def _fresh_module(self, service: Service) -> str:
        used = {f.module for f in self.sources.values() if f.service == service.name}
        free = [m for m in service.modules if m not in used]
        if free:
            return self.rng.choice(free)
        joiner = "" if service.language == "go" else "_"
        grown = [
            f"{base}{joiner}{suffix}"
            for base in service.modules
            for suffix in ("rules", "policy", "client", "store", "events", "jobs", "v2")
        ]
        free = [m for m in grown if m not in used]
        if free:
            return self.rng.choice(free)
        base, n = self.rng.choice(service.modules), 3
        while f"{base}{joiner}v{n}" in used:
            n += 1
        return f"{base}{joiner}v{n}"

    def add_test(self, file: SourceFile, function: Function) -> TestCase | None:
        """A test case for ``function``, pinning one field of one parameter."""
        if file.test is None:
            return None
        service = self.service(file)
        subject = next(s for s in service.subjects if s.name == function.subjects[0])
        field = self.rng.choice(subject.fields)
        value: str | int | bool
        if field.kind == "str":
            value = self.rng.choice(field.values)
        elif field.kind == "bool":
            value = True
        else:
            value = self.rng.randint(field.low, field.high)
        slug = str(value).lower().replace("-", "_")
        name = f"{function.name}_{field.name}_{slug}"
        names = {c.name for c in file.test.cases}
        while name in names:
            name = f"{name}_{self.rng.randint(2, 99)}"
        case = TestCase(
            name, function.name, subject.name, field.name, value, self.rng.randint(0, 250)
        )
        file.test.cases.append(case)
        self.mark(file.test.path)
        return case

    def move(self, file: SourceFile, subdir: str) -> tuple[str, str]:
        """Move a module into ``subdir`` (its tests follow where the language wants)."""
        service = self.service(file)
        renderer = self.renderer(file)
        old_path = file.path
        new_path = renderer.source_path(service, file.module, subdir)
        self.remove(old_path)
        file.path = new_path
        self.sources[new_path] = file
        self.mark(new_path)
        if file.language == "python":
            init = posixpath.join(posixpath.dirname(new_path), "__init__.py")
            if not self.exists(init):
                self.write_text(init, "")
        if file.test is not None:
            new_test = renderer.test_path(service, file)
            if new_test != file.test.path:
                self.removed[file.test.path] = None
                file.test.path = new_test
            self.mark(file.test.path)
        return old_path, new_path

    def delete(self, file: SourceFile) -> list[str]:
        paths = [file.path]
        self.remove(file.path)
        if file.test is not None:
            self.removed[file.test.path] = None
            self.written.pop(file.test.path, None)
            paths.append(file.test.path)
        return paths
