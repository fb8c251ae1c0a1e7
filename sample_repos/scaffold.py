"""The files a sample repository starts with that are not modelled code.

Domain types for each service, documentation, deployment configuration, CI and bot
settings, a vendored minified library and generated protobuf code (both of which the
miner must exclude from complexity), and the repository's ``.mailmap`` and CODEOWNERS.
"""

from __future__ import annotations

import hashlib

from sample_repos.people import mailmap
from sample_repos.render import camel, pascal
from sample_repos.services import SERVICES, Service, Subject

OWNERSHIP_FILE = "ownership.txt"


def _python_models(service: Service) -> str:
    out = [
        f'"""Domain types of the {service.name} service."""',
        "",
        "from __future__ import annotations",
        "",
        "import dataclasses",
    ]
    for subject in service.subjects:
        out += ["", "", "@dataclasses.dataclass(frozen=True)", f"class {subject.type_name}:"]
        for field in subject.fields:
            default = {"num": "0", "str": '""', "bool": "False"}[field.kind]
            kind = {"num": "int", "str": "str", "bool": "bool"}[field.kind]
            out.append(f"    {field.name}: {kind} = {default}")
    return "\n".join(out) + "\n"


def _ts_types(service: Service) -> str:
    out = [f"// Domain types of the {service.name}."]
    for subject in service.subjects:
        out += ["", f"export interface {subject.type_name} {{"]
        for field in subject.fields:
            kind = {"num": "number", "str": "string", "bool": "boolean"}[field.kind]
            out.append(f"  {camel(field.name)}: {kind};")
        out.append("}")
    return "\n".join(out) + "\n"


def _ts_fixtures(service: Service) -> str:
    types = ", ".join(s.type_name for s in service.subjects)
    out = [f'import type {{ {types} }} from "../types";']
    for subject in service.subjects:
        defaults = ", ".join(
            f"{camel(f.name)}: {({'num': '0', 'str': chr(34) * 2, 'bool': 'false'})[f.kind]}"
            for f in subject.fields
        )
        out += [
            "",
            f"export function make{subject.name.capitalize()}("
            f"overrides: Partial<{subject.type_name}> = {{}}): {subject.type_name} {{",
            f"  return {{ {defaults}, ...overrides }};",
            "}",
        ]
    return "\n".join(out) + "\n"


def _go_model(service: Service) -> str:
    out = ["// Package model holds the payments domain types.", "package model"]
    for subject in service.subjects:
        out += [
            "",
            f"// {subject.type_name} is a {subject.name} as the service sees it.",
            f"type {subject.type_name} struct {{",
        ]
        for field in subject.fields:
            kind = {"num": "int", "str": "string", "bool": "bool"}[field.kind]
            out.append(f"\t{pascal(field.name)} {kind}")
        out.append("}")
    return "\n".join(out) + "\n"


def _java_model(service: Service, subject: Subject) -> str:
    out = [
        f"package {service.package}.model;",
        "",
        f"/** A {subject.name} as the service sees it. */",
        f"public class {subject.type_name} {{",
    ]
    for field in subject.fields:
        kind = {"num": "int", "str": "String", "bool": "boolean"}[field.kind]
        out.append(f"    private {kind} {camel(field.name)};")
    for field in subject.fields:
        kind = {"num": "int", "str": "String", "bool": "boolean"}[field.kind]
        getter = camel(field.name) if field.kind == "bool" else f"get{pascal(field.name)}"
        out += [
            "",
            f"    public {kind} {getter}() {{",
            f"        return {camel(field.name)};",
            "    }",
            "",
            f"    public void set{pascal(field.name)}({kind} value) {{",
            f"        this.{camel(field.name)} = value;",
            "    }",
        ]
    out.append("}")
    return "\n".join(out) + "\n"


def model_files(service: Service) -> dict[str, str]:
    """The hand-written domain types each service's functions take as parameters."""
    if service.language == "python":
        return {
            f"{service.source_root}/__init__.py": f'"""The {service.name} service."""\n',
            f"{service.source_root}/models.py": _python_models(service),
            f"{service.test_root}/__init__.py": "",
        }
    if service.language == "typescript":
        return {
            f"{service.source_root}/types.ts": _ts_types(service),
            f"{service.test_root}/fixtures.ts": _ts_fixtures(service),
        }
    if service.language == "go":
        return {f"{service.source_root}/model/model.go": _go_model(service)}
    return {
        f"{service.source_root}/model/{s.type_name}.java": _java_model(service, s)
        for s in service.subjects
    }


def deploy_config(service: str, replicas: int) -> str:
    return (
        f"# Production deployment settings for {service}.\n"
        f"service: {service}\n"
        f"replicas: {replicas}\n"
        "resources:\n"
        "  cpu_millicores: 500\n"
        "  memory_mib: 512\n"
        "timeout_ms: 1500\n"
        "rate_limit_rps: 300\n"
        "upstream_retries: 2\n"
        "cache_ttl_seconds: 60\n"
        "feature_flags:\n"
        "  new_dashboard: false\n"
    )


PLATFORM_FILES = {
    "deploy/platform/ingress.yaml": (
        "# Edge ingress for every public hostname.\n"
        "hosts:\n"
        "  - shop.example.com\n"
        "  - api.example.com\n"
        "max_body_kib: 512\n"
        "idle_timeout_seconds: 60\n"
        "dns_ttl_seconds: 300\n"
    ),
    "deploy/platform/certificates.yaml": (
        "# TLS certificates served at the edge.\n"
        "issuer: internal-acme\n"
        "renew_before_days: 14\n"
        "certificates:\n"
        "  - name: shop-example-com\n"
        "    hosts: [shop.example.com]\n"
    ),
    "deploy/platform/cache.yaml": (
        "# Shared Redis cache.\n"
        "nodes: 3\n"
        "maxmemory_mib: 2048\n"
        "eviction_policy: allkeys-lru\n"
        "failover_timeout_seconds: 30\n"
    ),
}


def _minified_library() -> str:
    """A vendored third-party bundle: one very long line, as minifiers write them."""
    parts = []
    for i in range(180):
        token = hashlib.sha256(f"chartlite-{i}".encode()).hexdigest()[:8]
        parts.append(f"function _{token}(a,b){{return a>b?a-b:b-a}}")
    return "/*! chartlite v2.4.1 | MIT */" + ";".join(parts) + "\n"


def generated_protobuf(revision: int) -> dict[str, str]:
    """Generated gRPC stubs, regenerated now and then by CI (``github-actions[bot]``)."""
    messages = ["PaymentRequest", "PaymentResponse", "RefundRequest", "LedgerEntry"]
    messages += [f"Event{n}" for n in range(revision)]
    go = [
        "// Code generated by protoc-gen-go. DO NOT EDIT.",
        f"// versions: protoc-gen-go v1.34.{revision} protoc v5.27.{revision}",
        "",
        "package paymentspb",
    ]
    py = [
        "# -*- coding: utf-8 -*-",
        "# Generated by the protocol buffer compiler.  DO NOT EDIT!",
        f"# Protobuf Python Version: 5.27.{revision}",
        '"""Generated protocol buffer code."""',
        "from google.protobuf import descriptor as _descriptor",
        "",
    ]
    for name in messages:
        go += [
            "",
            f"type {name} struct {{",
            "\tstate         protoimpl.MessageState",
            "\tsizeCache     protoimpl.SizeCache",
            "\tunknownFields protoimpl.UnknownFields",
            "}",
            "",
            f"func (x *{name}) Reset() {{",
            f"\t*x = {name}{{}}",
            "}",
        ]
        py.append(
            f"_{name.upper()} = _descriptor.Descriptor(name='{name}', full_name='events.{name}')"
        )
    return {
        "services/payments/internal/gen/paymentspb/payments.pb.go": "\n".join(go) + "\n",
        "services/checkout/checkout/gen/events_pb2.py": "\n".join(py) + "\n",
    }


def codeowners() -> str:
    lines = ["# Review owners (GitHub teams)."]
    lines += [f"/{s.root}/ @acme-example/{s.team.lower()}" for s in SERVICES]
    lines.append("/deploy/ @acme-example/platform")
    return "\n".join(lines) + "\n"


def ownership() -> str:
    """The Jevons ownership file: which service owns which paths (see the README)."""
    lines = [
        "# Jevons ownership: <path-glob> <service> [<service> ...]",
        "# Globs are matched against repository paths; the last matching line wins.",
    ]
    for service in SERVICES:
        lines.append(f"{service.root}/**  {service.name}")
        lines.append(f"deploy/{service.name}.yaml  {service.name}")
    lines.append("deploy/platform/**  platform")
    return "\n".join(lines) + "\n"


README = """# Acme Example Shop

A small online shop, one service per directory:

| service | language | path |
|---|---|---|
| checkout | Python | services/checkout |
| inventory | Python | services/inventory |
| storefront | TypeScript | services/storefront |
| payments | Go | services/payments |
| notifications | Java | services/notifications |

Deployment settings live in `deploy/`. Run each service's tests with its own tool
(pytest, vitest, go test, mvn test).
"""

GITIGNORE = "node_modules/\n__pycache__/\n*.pyc\n.venv/\ntarget/\ndist/\n.env\n"

CI_WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

DEPENDABOT_CONFIG = """version: 2
updates:
  - package-ecosystem: npm
    directory: /services/storefront
    schedule: {interval: weekly}
  - package-ecosystem: gomod
    directory: /services/payments
    schedule: {interval: weekly}
"""

RENOVATE_CONFIG = (
    '{\n  "extends": ["config:recommended"],\n  "enabledManagers": ["poetry", "maven"]\n}\n'
)


def pre_commit_config(revision: int) -> str:
    return (
        "repos:\n"
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        f"    rev: v0.{5 + revision // 4}.{revision % 4}\n"
        "    hooks:\n"
        "      - id: ruff\n"
        "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
        f"    rev: v4.{6 + revision // 6}.0\n"
        "    hooks:\n"
        "      - id: trailing-whitespace\n"
    )


def initial_files() -> dict[str, str]:
    """Every non-modelled file of the first commit."""
    files = {
        "README.md": README,
        ".gitignore": GITIGNORE,
        ".mailmap": mailmap(),
        ".github/CODEOWNERS": codeowners(),
        ".github/workflows/ci.yml": CI_WORKFLOW,
        ".github/dependabot.yml": DEPENDABOT_CONFIG,
        "renovate.json": RENOVATE_CONFIG,
        ".pre-commit-config.yaml": pre_commit_config(0),
        "services/storefront/vendor/chartlite.min.js": _minified_library(),
        **PLATFORM_FILES,
        **generated_protobuf(0),
    }
    for replicas, service in enumerate(SERVICES, start=2):
        files.update(model_files(service))
        files[f"deploy/{service.name}.yaml"] = deploy_config(service.name, replicas)
        files[f"docs/runbooks/{service.name}.md"] = (
            f"# {service.name} runbook\n\nOwner: {service.team} team.\n"
        )
    return files
