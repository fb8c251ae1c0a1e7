"""Which paths are source (lizard's reader registry) and which are kept out of complexity."""

from __future__ import annotations

import lizard_languages
import pytest

from analyzer.config import DEFAULT_EXCLUDES
from analyzer.errors import ConfigError
from analyzer.metrics import detect_language, is_excluded
from analyzer.metrics.exclusions import check_globs
from analyzer.metrics.languages import known_languages, reader_for

LANGUAGES = [
    ("src/app.py", "python"),
    ("web/main.js", "javascript"),
    ("web/MAIN.JS", "javascript"),
    ("lib/index.mjs", "javascript"),
    ("web/api.ts", "typescript"),
    ("web/App.tsx", "tsx"),
    ("web/App.jsx", "jsx"),
    ("cmd/main.go", "go"),
    ("src/Main.java", "java"),
    ("src/vowels.c", "c"),
    ("include/vowels.h", "cpp"),
    ("src/engine.cpp", "cpp"),
    ("src/lib.rs", "rust"),
    ("app/models/user.rb", "ruby"),
    ("App.kt", "kotlin"),
    ("View.swift", "swift"),
    ("Program.cs", "csharp"),
    ("index.php", "php"),
    ("Main.scala", "scala"),
    ("init.lua", "lua"),
    ("README.md", None),
    ("Makefile", None),
    (".gitignore", None),
    ("cache/app.pyc", None),
    ("stubs/app.pyi", None),
    ("dir.py/notes", None),
    ("image.png", None),
    ("data.json", None),
]


@pytest.mark.parametrize(("path", "language"), LANGUAGES)
def test_language_is_detected_from_lizards_registry(path: str, language: str | None) -> None:
    assert detect_language(path) == language


def test_reader_is_the_one_lizard_itself_would_pick_for_every_extension_it_knows() -> None:
    extensions = {ext for reader in lizard_languages.languages() for ext in reader.ext}
    assert {"py", "js", "ts", "go", "java", "c"} <= extensions
    for extension in sorted(extensions):
        for path in (f"a/b.{extension}", f"a/b.{extension.upper()}"):
            assert reader_for(path) is lizard_languages.get_reader_for(path), path


def test_every_detected_language_is_listed_as_known() -> None:
    extensions = {ext for reader in lizard_languages.languages() for ext in reader.ext}
    detected = {detect_language(f"x.{ext}") for ext in extensions}
    assert detected == set(known_languages())


DEFAULT_EXCLUSIONS = [
    ("vendor/lib.py", True),
    ("src/vendor/lib/x.go", True),
    ("src/vendored.py", False),
    ("third_party/zlib/inflate.c", True),
    ("node_modules/left-pad/index.js", True),
    ("web/node_modules/a/b.js", True),
    ("web/app.min.js", True),
    ("web/app.js", False),
    ("static/site.min.css", True),
    ("web/app.js.map", True),
    ("api/user_pb2.py", True),
    ("api/user_pb2_grpc.py", True),
    ("api/user.pb.go", True),
    ("src/schema.generated.ts", True),
    ("src/generated/client.ts", True),
    ("docs/generated.md", False),
    ("Cargo.lock", True),
    ("web/package-lock.json", True),
    ("yarn.lock", True),
    ("go.sum", True),
    ("poetry.lock", True),
    ("src/lock.py", False),
    ("src/app.py", False),
]


@pytest.mark.parametrize(("path", "excluded"), DEFAULT_EXCLUSIONS)
def test_default_exclusions(path: str, excluded: bool) -> None:
    assert is_excluded(path, DEFAULT_EXCLUDES) is excluded


CUSTOM_EXCLUSIONS = [
    # a pattern without a slash matches a name at any depth
    (["*.sql"], "db/migrations/001.sql", True),
    (["legacy"], "src/legacy/old.py", True),
    (["legacy"], "src/legacy.py", False),
    # a leading slash or an inner slash anchors at the root
    (["/build/"], "build/out.js", True),
    (["/build/"], "src/build/out.js", False),
    (["docs/*.py"], "docs/conf.py", True),
    (["docs/*.py"], "docs/api/conf.py", False),
    (["docs/*.py"], "site/docs/conf.py", False),
    # a trailing slash matches directories only
    (["tmp/"], "tmp/x.py", True),
    (["tmp/"], "tmp", False),
    # ** spans zero or more directories
    (["a/**/b.py"], "a/b.py", True),
    (["a/**/b.py"], "a/x/y/b.py", True),
    (["src/**"], "src/deep/er/x.c", True),
    # the last matching pattern wins; ! re-includes
    (["vendor/**", "!vendor/ours/**"], "vendor/ours/x.py", False),
    (["vendor/**", "!vendor/ours/**"], "vendor/theirs/x.py", True),
    # matching is case-sensitive, as git is by default
    (["*.PY"], "a.py", False),
    ([], "anything.py", False),
]


@pytest.mark.parametrize(("globs", "path", "excluded"), CUSTOM_EXCLUSIONS)
def test_gitignore_style_globs(globs: list[str], path: str, excluded: bool) -> None:
    assert is_excluded(path, globs) is excluded


@pytest.mark.parametrize("bad", ["!", "src\\"])
def test_invalid_glob_is_a_configuration_error_naming_it(bad: str) -> None:
    with pytest.raises(ConfigError, match="invalid exclude glob"):
        check_globs(["*.py", bad])


def test_paths_with_unusual_characters_are_matched_literally() -> None:
    assert is_excluded("vendor/we ird\nname.py", DEFAULT_EXCLUDES)
    assert not is_excluded("src/caf\u00e9 [draft].py", DEFAULT_EXCLUDES)
