"""Dependency manifests, their lock files, and the bots that bump them.

Each ecosystem keeps a list of pinned packages and renders its manifest and lock file
(``package.json`` + ``package-lock.json``, ``go.mod`` + ``go.sum``, ``pyproject.toml`` +
``poetry.lock``, ``pom.xml``). Lock contents are fictional but shaped like the real thing,
with hashes derived from name and version so they are stable.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import random


@dataclasses.dataclass
class Package:
    name: str
    version: str
    dev: bool = False
    requires: tuple[str, ...] = ()  # transitive packages (npm) shown in the lock file

    def bumped(self, rng: random.Random) -> str:
        major, minor, patch = (int(part) for part in self.version.lstrip("v").split("."))
        if rng.random() < 0.7:
            patch += rng.choice((1, 1, 2))
        else:
            minor, patch = minor + 1, 0
        prefix = "v" if self.version.startswith("v") else ""
        return f"{prefix}{major}.{minor}.{patch}"


def _digest(text: str, algorithm: str = "sha256") -> bytes:
    return hashlib.new(algorithm, text.encode()).digest()


@dataclasses.dataclass
class Ecosystem:
    """One service's dependencies and the files that record them."""

    name: str  # npm | gomod | poetry | maven
    directory: str
    manifest: str
    lock: str | None
    packages: list[Package]
    project: str

    def files(self) -> dict[str, str]:
        render = {
            "npm": (self._package_json, self._package_lock),
            "gomod": (self._go_mod, self._go_sum),
            "poetry": (self._pyproject, self._poetry_lock),
            "maven": (self._pom, None),
        }[self.name]
        out = {f"{self.directory}/{self.manifest}": render[0]()}
        if self.lock is not None and render[1] is not None:
            out[f"{self.directory}/{self.lock}"] = render[1]()
        return out

    def package(self, name: str) -> Package:
        return next(p for p in self.packages if p.name == name)

    # --- npm -----------------------------------------------------------------------
    def _package_json(self) -> str:
        data = {
            "name": self.project,
            "version": "1.0.0",
            "private": True,
            "type": "module",
            "scripts": {"build": "vite build", "test": "vitest run", "lint": "eslint src"},
            "dependencies": {p.name: f"^{p.version}" for p in self.packages if not p.dev},
            "devDependencies": {p.name: f"^{p.version}" for p in self.packages if p.dev},
        }
        return json.dumps(data, indent=2) + "\n"

    def _package_lock(self) -> str:
        root = {
            "name": self.project,
            "version": "1.0.0",
            "dependencies": {p.name: f"^{p.version}" for p in self.packages if not p.dev},
            "devDependencies": {p.name: f"^{p.version}" for p in self.packages if p.dev},
        }
        packages: dict[str, object] = {"": root}
        for package in sorted(self.packages, key=lambda p: p.name):
            packages[f"node_modules/{package.name}"] = self._npm_entry(package)
            for dep in package.requires:
                dep_version = f"{len(dep) % 5 + 1}.{len(package.name) % 9}.{len(dep) % 7}"
                packages[f"node_modules/{dep}"] = self._npm_entry(Package(dep, dep_version))
        data = {
            "name": self.project,
            "version": "1.0.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": packages,
        }
        return json.dumps(data, indent=2) + "\n"

    @staticmethod
    def _npm_entry(package: Package) -> dict[str, object]:
        tail = package.name.rsplit("/", 1)[-1]
        integrity = base64.b64encode(_digest(f"{package.name}@{package.version}", "sha512"))
        entry: dict[str, object] = {
            "version": package.version,
            "resolved": f"https://registry.npmjs.org/{package.name}/-/{tail}-{package.version}.tgz",
            "integrity": "sha512-" + integrity.decode(),
            "license": "MIT",
        }
        if package.dev:
            entry["dev"] = True
        if package.requires:
            entry["dependencies"] = {dep: "^1.0.0" for dep in package.requires}
        return entry

    # --- go ------------------------------------------------------------------------
    def _go_mod(self) -> str:
        lines = [f"module {self.project}", "", "go 1.22", "", "require ("]
        lines += [f"\t{p.name} {p.version}" for p in self.packages]
        return "\n".join([*lines, ")"]) + "\n"

    def _go_sum(self) -> str:
        lines = []
        for p in sorted(self.packages, key=lambda p: p.name):
            for suffix in ("", "/go.mod"):
                digest = base64.b64encode(_digest(f"{p.name}{suffix}@{p.version}")).decode()
                lines.append(f"{p.name} {p.version}{suffix} h1:{digest}")
        return "\n".join(lines) + "\n"

    # --- poetry --------------------------------------------------------------------
    def _pyproject(self) -> str:
        lines = [
            "[tool.poetry]",
            f'name = "{self.project}"',
            'version = "0.1.0"',
            f'description = "The {self.project} service"',
            'authors = ["Checkout team <checkout@example.com>"]',
            "",
            "[tool.poetry.dependencies]",
            'python = "^3.11"',
        ]
        lines += [f'{p.name} = "^{p.version}"' for p in self.packages if not p.dev]
        lines += ["", "[tool.poetry.group.dev.dependencies]"]
        lines += [f'{p.name} = "^{p.version}"' for p in self.packages if p.dev]
        return "\n".join(lines) + "\n"

    def _poetry_lock(self) -> str:
        lines = [
            "# This file is automatically @generated by Poetry 1.8.3 and should not be "
            "changed by hand.",
        ]
        for p in sorted(self.packages, key=lambda p: p.name):
            wheel = _digest(f"{p.name}-{p.version}-wheel").hex()
            sdist = _digest(f"{p.name}-{p.version}-sdist").hex()
            stem = p.name.replace("-", "_")
            lines += [
                "",
                "[[package]]",
                f'name = "{p.name}"',
                f'version = "{p.version}"',
                f'description = "The {p.name} package"',
                "optional = false",
                'python-versions = ">=3.8"',
                "files = [",
                f'    {{file = "{stem}-{p.version}-py3-none-any.whl", hash = "sha256:{wheel}"}},',
                f'    {{file = "{stem}-{p.version}.tar.gz", hash = "sha256:{sdist}"}},',
                "]",
            ]
        content = _digest("|".join(f"{p.name}={p.version}" for p in self.packages)).hex()
        lines += [
            "",
            "[metadata]",
            'lock-version = "2.0"',
            'python-versions = "^3.11"',
            f'content-hash = "{content}"',
        ]
        return "\n".join(lines) + "\n"

    # --- maven ---------------------------------------------------------------------
    def _pom(self) -> str:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<project xmlns="http://maven.apache.org/POM/4.0.0">',
            "  <modelVersion>4.0.0</modelVersion>",
            "  <groupId>com.example</groupId>",
            f"  <artifactId>{self.project}</artifactId>",
            "  <version>1.0.0-SNAPSHOT</version>",
            "  <dependencies>",
        ]
        for p in self.packages:
            group, artifact = p.name.split(":")
            lines += [
                "    <dependency>",
                f"      <groupId>{group}</groupId>",
                f"      <artifactId>{artifact}</artifactId>",
                f"      <version>{p.version}</version>",
                *(["      <scope>test</scope>"] if p.dev else []),
                "    </dependency>",
            ]
        return "\n".join([*lines, "  </dependencies>", "</project>"]) + "\n"


def initial_ecosystems() -> list[Ecosystem]:
    """The dependencies each service starts with."""
    npm = [
        Package("react", "18.3.1", requires=("loose-envify", "js-tokens")),
        Package("react-dom", "18.3.1", requires=("scheduler",)),
        Package("@tanstack/react-query", "5.51.1", requires=("@tanstack/query-core",)),
        Package("zod", "3.23.8"),
        Package("date-fns", "3.6.0"),
        Package("axios", "1.7.2", requires=("follow-redirects", "form-data", "proxy-from-env")),
        Package("vitest", "2.0.3", dev=True, requires=("chai", "tinypool", "tinyspy")),
        Package("typescript", "5.5.3", dev=True),
        Package("eslint", "9.7.0", dev=True, requires=("espree", "esquery", "levn")),
        Package("vite", "5.3.4", dev=True, requires=("esbuild", "rollup", "postcss")),
        Package("prettier", "3.3.3", dev=True),
    ]
    gomod = [
        Package("github.com/google/uuid", "v1.6.0"),
        Package("github.com/shopspring/decimal", "v1.4.0"),
        Package("go.uber.org/zap", "v1.27.0"),
        Package("github.com/stretchr/testify", "v1.9.0"),
        Package("golang.org/x/sync", "v0.7.0"),
        Package("google.golang.org/grpc", "v1.65.0"),
        Package("google.golang.org/protobuf", "v1.34.2"),
    ]
    poetry = [
        Package("fastapi", "0.111.0"),
        Package("pydantic", "2.8.2"),
        Package("httpx", "0.27.0"),
        Package("sqlalchemy", "2.0.31"),
        Package("redis", "5.0.7"),
        Package("structlog", "24.2.0"),
        Package("pytest", "8.2.2", dev=True),
        Package("ruff", "0.5.2", dev=True),
    ]
    maven = [
        Package("org.springframework.boot:spring-boot-starter", "3.3.1"),
        Package("com.fasterxml.jackson.core:jackson-databind", "2.17.2"),
        Package("com.twilio.sdk:twilio", "10.4.1"),
        Package("software.amazon.awssdk:ses", "2.26.20"),
        Package("org.junit.jupiter:junit-jupiter", "5.10.3", dev=True),
    ]
    return [
        Ecosystem(
            "npm", "services/storefront", "package.json", "package-lock.json", npm, "storefront"
        ),
        Ecosystem("gomod", "services/payments", "go.mod", "go.sum", gomod, "example.com/payments"),
        Ecosystem(
            "poetry", "services/checkout", "pyproject.toml", "poetry.lock", poetry, "checkout"
        ),
        Ecosystem("maven", "services/notifications", "pom.xml", None, maven, "notifications"),
    ]


_LINKS = {
    "npm": "https://github.com/{name}",
    "gomod": "https://{name}",
    "poetry": "https://github.com/{name}/{name}",
    "maven": "https://github.com/{name}",
}
_DEPENDABOT_ECOSYSTEM = {
    "npm": "npm_and_yarn",
    "gomod": "go_modules",
    "poetry": "pip",
    "maven": "maven",
}


def dependabot_message(eco: Ecosystem, package: Package, old: str, new: str) -> str:
    """A Dependabot pull request's squashed commit, in the exact shape Dependabot writes."""
    repo = _LINKS[eco.name].format(name=package.name.split(":")[-1])
    update = "semver-patch" if old.rsplit(".", 1)[0] == new.rsplit(".", 1)[0] else "semver-minor"
    dep_type = "direct:development" if package.dev else "direct:production"
    return (
        f"Bump {package.name} from {old} to {new} in /{eco.directory}\n\n"
        f"Bumps [{package.name}]({repo}) from {old} to {new}.\n"
        f"- [Release notes]({repo}/releases)\n"
        f"- [Commits]({repo}/compare/{old}...{new})\n\n"
        "---\n"
        "updated-dependencies:\n"
        f"- dependency-name: {package.name}\n"
        f"  dependency-type: {dep_type}\n"
        f"  update-type: version-update:{update}\n"
        "...\n\n"
        "Signed-off-by: dependabot[bot] <support@github.com>"
    )


def renovate_message(eco: Ecosystem, package: Package, new: str) -> str:
    kind = "dependency" if eco.name != "gomod" else "module"
    return f"chore(deps): update {kind} {package.name} to {new}"


def dependabot_ecosystem(eco: Ecosystem) -> str:
    return _DEPENDABOT_ECOSYSTEM[eco.name]
