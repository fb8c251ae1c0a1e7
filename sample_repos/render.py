"""Render the source model as Python, TypeScript, Go and Java, one renderer per language.

Each renderer knows its language's naming, layout and idioms, and where its source and
test files live. Output is plain, conventional code that lizard and radon parse.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from sample_repos.services import Service
from sample_repos.source import (
    Atom,
    Condition,
    Function,
    SourceFile,
    Statement,
    Table,
    TestCase,
    TestFile,
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def words(name: str) -> str:
    return name.replace("_", " ")


def _literal(value: str | int | bool | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


class Renderer:
    """The language-neutral part: conditions, statements and file skeletons."""

    language = ""
    indent = "    "
    and_op, or_op, not_op = " && ", " || ", "!"

    # --- paths ---------------------------------------------------------------------
    def source_path(self, service: Service, module: str, subdir: str | None) -> str:
        raise NotImplementedError

    def test_path(self, service: Service, source: SourceFile) -> str:
        raise NotImplementedError

    # --- expressions ---------------------------------------------------------------
    def field(self, subject: str, name: str, kind: str) -> str:
        return f"{subject}.{camel(name)}"

    def local(self, name: str) -> str:
        return camel(name)

    def function_name(self, name: str) -> str:
        return camel(name)

    def table_name(self, name: str) -> str:
        return name.upper()

    def atom(self, atom: Atom) -> str:
        ref = self.field(atom.subject, atom.field, atom.kind)
        if atom.op == "truthy":
            return ref
        if atom.op == "falsy":
            return f"{self.not_op}{ref}"
        return f"{ref} {self.equality(atom.op)} {_literal(atom.value)}"

    def equality(self, op: str) -> str:
        return op

    def condition(self, cond: Condition) -> str:
        """The condition's source text (cached on the condition: a file has one language)."""
        if not cond.rendered:
            parts = [self.atom(cond.atoms[0])]
            for join, atom in zip(cond.joins, cond.atoms[1:], strict=True):
                parts.append((self.and_op if join == "and" else self.or_op) + self.atom(atom))
            cond.rendered = "".join(parts)
        return cond.rendered

    def statement(self, stmt: Statement) -> str:
        acc, n = self.local(stmt.acc), stmt.amount
        forms = {
            "add": f"{acc} += {n}",
            "sub": f"{acc} -= {n}",
            "scale": f"{acc} = {acc} * {n} / 100",
            "set": f"{acc} = {n}",
            "cap": f"{acc} = Math.min({acc}, {n})",
            "floor": f"{acc} = Math.max({acc}, {n})",
        }
        return forms[stmt.op]

    # --- functions -----------------------------------------------------------------
    body_indent = "    "
    terminator = ";"

    def signature(self, function: Function, service: Service) -> list[str]:
        """The doc comment and the line that opens the function."""
        raise NotImplementedError

    def declare(self, acc: str, init: int) -> str:
        raise NotImplementedError

    def table_lookup(self, acc: str, table: str, ref: str) -> str:
        raise NotImplementedError

    def if_block(self, cond: str, stmt: str, indent: str) -> list[str]:
        return [f"{indent}if ({cond}) {{", f"{indent}{self.indent}{stmt}", f"{indent}}}"]

    def closing(self, acc: str, indent: str) -> list[str]:
        return [f"{indent}return {acc}{self.terminator}", indent[: -len(self.indent)] + "}"]

    def function(self, function: Function, service: Service) -> list[str]:
        """One function: declare the accumulator, look up tables, the if-blocks, return."""
        acc, indent = self.local(function.acc), self.body_indent
        out = self.signature(function, service)
        if not function.takes_acc:
            out.append(indent + self.declare(acc, function.init))
        for lookup in function.lookups:
            if lookup.kind == "table":
                ref = self.field(lookup.subject, lookup.field, "str")
                out.append(indent + self.table_lookup(acc, self.table_name(lookup.target), ref))
            else:
                args = ", ".join((acc, *function.subjects))
                call = f"{self.function_name(lookup.target)}({args})"
                out.append(f"{indent}{acc} = {call}{self.terminator}")
        for block in function.blocks:
            cond, stmt = self.condition(block.cond), self.statement(block.body)
            out += self.if_block(cond, stmt, indent)
        return out + self.closing(acc, indent)

    def params(self, function: Function, service: Service) -> list[tuple[str, str]]:
        """(name, type name) of each parameter, the accumulator first for helpers."""
        types = {s.name: s.type_name for s in service.subjects}
        params = [(s, types[s]) for s in function.subjects]
        if function.takes_acc:
            params.insert(0, (self.local(function.acc), ""))
        return params

    # --- files ---------------------------------------------------------------------
    def source(self, file: SourceFile, service: Service) -> str:
        raise NotImplementedError

    def test(self, test: TestFile, source: SourceFile, service: Service) -> str:
        raise NotImplementedError

    def test_name(self, case: TestCase) -> str:
        return camel(case.name)

    def args(self, function: Function, case: TestCase, service: Service) -> str:
        raise NotImplementedError


class PythonRenderer(Renderer):
    language = "python"
    and_op, or_op, not_op = " and ", " or ", "not "

    def source_path(self, service: Service, module: str, subdir: str | None) -> str:
        return posixpath.join(service.source_root, subdir or "", f"{module}.py")

    def test_path(self, service: Service, source: SourceFile) -> str:
        return posixpath.join(service.test_root, f"test_{source.module}.py")

    def field(self, subject: str, name: str, kind: str) -> str:
        return f"{subject}.{name}"

    def local(self, name: str) -> str:
        return name

    def function_name(self, name: str) -> str:
        return name

    def statement(self, stmt: Statement) -> str:
        acc, n = stmt.acc, stmt.amount
        forms = {
            "add": f"{acc} += {n}",
            "sub": f"{acc} -= {n}",
            "scale": f"{acc} = {acc} * {n} // 100",
            "set": f"{acc} = {n}",
            "cap": f"{acc} = min({acc}, {n})",
            "floor": f"{acc} = max({acc}, {n})",
        }
        return forms[stmt.op]

    def _dotted(self, path: str, service: Service) -> str:
        relative = posixpath.relpath(path, service.root)
        return relative.removesuffix(".py").replace("/", ".")

    def source(self, file: SourceFile, service: Service) -> str:
        types = ", ".join(sorted(s.type_name for s in service.subjects))
        out = [
            f'"""{words(file.module).capitalize()} for the {service.name} service."""',
            "",
            "from __future__ import annotations",
            "",
            f"from {service.package}.models import {types}",
        ]
        for table in file.tables:
            out += ["", "", *self._table(table)]
        for function in file.functions:
            out += ["", "", *self.function(function, service)]
        return "\n".join(out) + "\n"

    def _table(self, table: Table) -> list[str]:
        rows = [f'    "{key}": {value},' for key, value in table.entries]
        return [f"{self.table_name(table.name)} = {{", *rows, "}"]

    body_indent = "    "
    terminator = ""

    def signature(self, function: Function, service: Service) -> list[str]:
        params = ", ".join(f"{n}: {t or 'int'}" for n, t in self.params(function, service))
        return [f"def {function.name}({params}) -> int:", f'    """{function.doc}"""']

    def declare(self, acc: str, init: int) -> str:
        return f"{acc} = {init}"

    def table_lookup(self, acc: str, table: str, ref: str) -> str:
        return f"{acc} += {table}.get({ref}, 0)"

    def if_block(self, cond: str, stmt: str, indent: str) -> list[str]:
        return [f"{indent}if {cond}:", f"{indent}    {stmt}"]

    def closing(self, acc: str, indent: str) -> list[str]:
        return [f"{indent}return {acc}"]

    def test_name(self, case: TestCase) -> str:
        return f"test_{case.name}"

    def args(self, function: Function, case: TestCase, service: Service) -> str:
        types = {s.name: s.type_name for s in service.subjects}
        value = str(case.value) if isinstance(case.value, bool) else _literal(case.value)
        return ", ".join(
            f"{types[s]}({case.field}={value})" if s == case.subject else f"{types[s]}()"
            for s in function.subjects
        )

    def test(self, test: TestFile, source: SourceFile, service: Service) -> str:
        dotted = self._dotted(source.path, service)
        package, _, module = dotted.rpartition(".")
        types = ", ".join(sorted(s.type_name for s in service.subjects))
        out = [
            f'"""Tests for {dotted}."""',
            "",
            f"from {package} import {module}",
            f"from {service.package}.models import {types}",
        ]
        for case in test.cases:
            function = source.function_named(case.function)
            if function is None:
                continue
            out += [
                "",
                "",
                f"def {self.test_name(case)}() -> None:",
                f"    got = {module}.{function.name}({self.args(function, case, service)})",
                f"    assert got == {case.expected}",
            ]
        return "\n".join(out) + "\n"


class TypeScriptRenderer(Renderer):
    language = "typescript"
    indent = "  "

    def source_path(self, service: Service, module: str, subdir: str | None) -> str:
        return posixpath.join(service.source_root, subdir or "", f"{camel(module)}.ts")

    def test_path(self, service: Service, source: SourceFile) -> str:
        return posixpath.join(service.test_root, f"{camel(source.module)}.test.ts")

    def equality(self, op: str) -> str:
        return {"==": "===", "!=": "!=="}.get(op, op)

    def statement(self, stmt: Statement) -> str:
        acc = self.local(stmt.acc)
        if stmt.op == "scale":
            return f"{acc} = Math.floor(({acc} * {stmt.amount}) / 100);"
        return super().statement(stmt) + ";"

    def _import(self, from_path: str, to_path: str) -> str:
        relative = posixpath.relpath(to_path, posixpath.dirname(from_path))
        relative = relative if relative.startswith(".") else f"./{relative}"
        return relative.removesuffix(".ts")

    def source(self, file: SourceFile, service: Service) -> str:
        types = ", ".join(sorted(s.type_name for s in service.subjects))
        types_path = posixpath.join(service.source_root, "types.ts")
        out = [
            f"// {words(file.module).capitalize()} for the {service.name}.",
            f'import type {{ {types} }} from "{self._import(file.path, types_path)}";',
        ]
        for table in file.tables:
            rows = [f'  "{key}": {value},' for key, value in table.entries]
            out += [
                "",
                f"const {self.table_name(table.name)}: Record<string, number> = {{",
                *rows,
                "};",
            ]
        for function in file.functions:
            out += ["", *self.function(function, service)]
        return "\n".join(out) + "\n"

    body_indent = "  "

    def signature(self, function: Function, service: Service) -> list[str]:
        params = ", ".join(f"{n}: {t or 'number'}" for n, t in self.params(function, service))
        name = camel(function.name)
        return [f"/** {function.doc} */", f"export function {name}({params}): number {{"]

    def declare(self, acc: str, init: int) -> str:
        return f"let {acc} = {init};"

    def table_lookup(self, acc: str, table: str, ref: str) -> str:
        return f"{acc} += {table}[{ref}] ?? 0;"

    def args(self, function: Function, case: TestCase, service: Service) -> str:
        value = _literal(case.value)
        return ", ".join(
            f"make{s.capitalize()}({{ {camel(case.field)}: {value} }})"
            if s == case.subject
            else f"make{s.capitalize()}()"
            for s in function.subjects
        )

    def test(self, test: TestFile, source: SourceFile, service: Service) -> str:
        module = camel(source.module)
        makers = ", ".join(f"make{s.name.capitalize()}" for s in service.subjects)
        out = [
            'import { describe, expect, it } from "vitest";',
            f'import * as {module} from "{self._import(test.path, source.path)}";',
            f'import {{ {makers} }} from "./fixtures";',
            "",
            f'describe("{module}", () => {{',
        ]
        for case in test.cases:
            function = source.function_named(case.function)
            if function is None:
                continue
            call = f"{module}.{camel(function.name)}({self.args(function, case, service)})"
            out += [
                f'  it("{words(case.name)}", () => {{',
                f"    expect({call}).toBe({case.expected});",
                "  });",
            ]
        out.append("});")
        return "\n".join(out) + "\n"


class GoRenderer(Renderer):
    language = "go"
    indent = "\t"

    def source_path(self, service: Service, module: str, subdir: str | None) -> str:
        return posixpath.join(service.source_root, subdir or "", module, f"{module}.go")

    def test_path(self, service: Service, source: SourceFile) -> str:
        return posixpath.join(posixpath.dirname(source.path), f"{source.module}_test.go")

    def field(self, subject: str, name: str, kind: str) -> str:
        return f"{subject}.{pascal(name)}"

    def function_name(self, name: str) -> str:
        return pascal(name)

    def table_name(self, name: str) -> str:
        return camel(name)

    def statement(self, stmt: Statement) -> str:
        acc = self.local(stmt.acc)
        if stmt.op in ("cap", "floor"):
            return f"{acc} = {'min' if stmt.op == 'cap' else 'max'}({acc}, {stmt.amount})"
        return super().statement(stmt)

    def source(self, file: SourceFile, service: Service) -> str:
        out = [
            f"// Package {file.module} holds the {words(file.module)} rules of {service.name}.",
            f"package {file.module}",
            "",
            f'import "{service.package}/internal/model"',
        ]
        for table in file.tables:
            rows = [f'\t"{key}": {value},' for key, value in table.entries]
            out += ["", f"var {self.table_name(table.name)} = map[string]int{{", *rows, "}"]
        for function in file.functions:
            out += ["", *self.function(function, service)]
        return "\n".join(out) + "\n"

    body_indent = "\t"
    terminator = ""

    def signature(self, function: Function, service: Service) -> list[str]:
        params = ", ".join(
            f"{n} {('*model.' + t) if t else 'int'}" for n, t in self.params(function, service)
        )
        name = pascal(function.name)
        doc = function.doc[0].lower() + function.doc[1:]
        return [f"// {name} {doc}", f"func {name}({params}) int {{"]

    def declare(self, acc: str, init: int) -> str:
        return f"{acc} := {init}"

    def table_lookup(self, acc: str, table: str, ref: str) -> str:
        return f"{acc} += {table}[{ref}]"

    def if_block(self, cond: str, stmt: str, indent: str) -> list[str]:
        return [f"{indent}if {cond} {{", f"{indent}\t{stmt}", f"{indent}}}"]

    def args(self, function: Function, case: TestCase, service: Service) -> str:
        types = {s.name: s.type_name for s in service.subjects}
        return ", ".join(
            f"&model.{types[s]}{{{pascal(case.field)}: {_literal(case.value)}}}"
            if s == case.subject
            else f"&model.{types[s]}{{}}"
            for s in function.subjects
        )

    def test(self, test: TestFile, source: SourceFile, service: Service) -> str:
        out = [
            f"package {source.module}",
            "",
            "import (",
            '\t"testing"',
            "",
            f'\t"{service.package}/internal/model"',
            ")",
        ]
        for case in test.cases:
            function = source.function_named(case.function)
            if function is None:
                continue
            name = pascal(function.name)
            out += [
                "",
                f"func Test{pascal(case.name)}(t *testing.T) {{",
                f"\tgot := {name}({self.args(function, case, service)})",
                f"\tif got != {case.expected} {{",
                f'\t\tt.Fatalf("{name}() = %d, want {case.expected}", got)',
                "\t}",
                "}",
            ]
        return "\n".join(out) + "\n"


class JavaRenderer(Renderer):
    language = "java"

    def source_path(self, service: Service, module: str, subdir: str | None) -> str:
        return posixpath.join(service.source_root, subdir or "", f"{pascal(module)}.java")

    def test_path(self, service: Service, source: SourceFile) -> str:
        subdir = posixpath.dirname(posixpath.relpath(source.path, service.source_root))
        return posixpath.join(service.test_root, subdir, f"{pascal(source.module)}Test.java")

    def package(self, path: str, service: Service) -> str:
        root = service.source_root if "/src/main/" in path else service.test_root
        subdir = posixpath.dirname(posixpath.relpath(path, root))
        return service.package + ("." + subdir.replace("/", ".") if subdir else "")

    def field(self, subject: str, name: str, kind: str) -> str:
        if kind == "bool":
            return f"{subject}.{camel(name)}()"
        return f"{subject}.get{pascal(name)}()"

    def atom(self, atom: Atom) -> str:
        if atom.kind != "str":
            return super().atom(atom)
        test = f"{_literal(atom.value)}.equals({self.field(atom.subject, atom.field, 'str')})"
        return test if atom.op == "==" else f"!{test}"

    def statement(self, stmt: Statement) -> str:
        return super().statement(stmt) + ";"

    def _imports(self, service: Service) -> list[str]:
        return [f"import {service.package}.model.{s.type_name};" for s in service.subjects]

    def source(self, file: SourceFile, service: Service) -> str:
        name = pascal(file.module)
        out = [f"package {self.package(file.path, service)};", "", *self._imports(service)]
        if file.tables:
            out += ["import java.util.HashMap;", "import java.util.Map;"]
        out += [
            "",
            f"/** {words(file.module).capitalize()} rules for {service.name}. */",
            f"public final class {name} {{",
        ]
        for table in file.tables:
            const = self.table_name(table.name)
            rows = [f'        {const}.put("{key}", {value});' for key, value in table.entries]
            out += [
                "",
                f"    private static final Map<String, Integer> {const} = new HashMap<>();",
                "",
                "    static {",
                *rows,
                "    }",
            ]
        out += ["", f"    private {name}() {{", "    }"]
        for function in file.functions:
            out += ["", *self.function(function, service)]
        out.append("}")
        return "\n".join(out) + "\n"

    body_indent = "        "

    def signature(self, function: Function, service: Service) -> list[str]:
        params = ", ".join(f"{t or 'int'} {n}" for n, t in self.params(function, service))
        name = camel(function.name)
        return [f"    /** {function.doc} */", f"    public static int {name}({params}) {{"]

    def declare(self, acc: str, init: int) -> str:
        return f"int {acc} = {init};"

    def table_lookup(self, acc: str, table: str, ref: str) -> str:
        return f"{acc} += {table}.getOrDefault({ref}, 0);"

    def args(self, function: Function, case: TestCase, service: Service) -> str:
        return ", ".join(
            s
            if s == case.subject
            else f"new {dict((x.name, x.type_name) for x in service.subjects)[s]}()"
            for s in function.subjects
        )

    def test(self, test: TestFile, source: SourceFile, service: Service) -> str:
        name = pascal(source.module)
        types = {s.name: s.type_name for s in service.subjects}
        out = [
            f"package {self.package(test.path, service)};",
            "",
            "import static org.junit.jupiter.api.Assertions.assertEquals;",
            "",
            *self._imports(service),
            "import org.junit.jupiter.api.Test;",
            "",
            f"class {name}Test {{",
        ]
        for case in test.cases:
            function = source.function_named(case.function)
            if function is None:
                continue
            kind_setter = f"set{pascal(case.field)}"
            out += [
                "",
                "    @Test",
                f"    void {camel(case.name)}() {{",
                f"        {types[case.subject]} {case.subject} = new {types[case.subject]}();",
                f"        {case.subject}.{kind_setter}({_literal(case.value)});",
                f"        assertEquals({case.expected}, "
                f"{name}.{camel(function.name)}({self.args(function, case, service)}));",
                "    }",
            ]
        out.append("}")
        return "\n".join(out) + "\n"


RENDERERS: dict[str, Renderer] = {
    renderer.language: renderer
    for renderer in (PythonRenderer(), TypeScriptRenderer(), GoRenderer(), JavaRenderer())
}


def line_count(function: Function, language: str) -> int:
    """Lines a function renders to (for sizing changes, not for metrics)."""
    per_block = 2 if language == "python" else 3
    return (
        3  # signature, docstring or comment, return
        + len(function.lookups)
        + per_block * len(function.blocks)
        + (0 if function.takes_acc else 1)
    )


def block_lines(language: str) -> int:
    return 2 if language == "python" else 3


def all_conditions(file: SourceFile) -> Sequence[str]:
    renderer = RENDERERS[file.language]
    return [renderer.condition(block.cond) for _, block in file.blocks()]
