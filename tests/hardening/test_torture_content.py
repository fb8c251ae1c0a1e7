"""Torture: what commits carry. Hostile paths, messages in other encodings and garbage,
CRLF files, submodules and symbolic links, renames and copies with edits, a .mailmap:
each mines, figures equal git's, and what cannot be measured says why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.metrics import analyze_blob
from tests.support.repo_builder import RepoBuilder
from tests.support.torture_repos import (
    HOSTILE_PATHS,
    git_numstat,
    git_raw,
    mine,
    query,
    stored_numstat,
)

BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
PY = "def f(x):\n    if x > 1:\n        return x\n    return 0\n"


def _tree_paths(repo_dir: Path) -> set[str]:
    """HEAD's paths as git has them, decoded as the store promises (UTF-8, other bytes as
    visible ``\\xNN`` escapes)."""
    out = git_raw(repo_dir, "ls-tree", "-r", "-z", "--name-only", "HEAD")
    return {p.decode("utf-8", "backslashreplace") for p in out.split(b"\0") if p}


def test_hostile_paths_are_stored_byte_for_byte_and_measured(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.commit("hostile names", dict.fromkeys(HOSTILE_PATHS, PY))
    repo.commit("edit them", {path: PY + "# more\n" for path in HOSTILE_PATHS})
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    stored = {p for (p,) in query(db, "SELECT DISTINCT path FROM file_changes")}
    assert stored == _tree_paths(repo.path)
    assert "src/\\xff\\xfebad.py" in stored and "src/new\nline.py" in stored
    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")
    measured = query(
        db,
        "SELECT count(DISTINCT f.path) FROM file_changes f "
        "JOIN blob_metrics b ON b.blob_sha = f.new_blob "
        "WHERE b.error IS NULL AND b.ccn_total = 2",
    )
    assert measured == [(len(HOSTILE_PATHS),)]


def _commit_with_message(repo: RepoBuilder, message: bytes, encoding: str | None) -> str:
    """Commit one change with ``message`` as raw bytes, declaring ``encoding``."""
    (repo.path / "msg").write_bytes(message)
    args = ["-c", f"i18n.commitEncoding={encoding}"] if encoding else []
    index = len(list(repo.path.glob("f*.txt")))
    repo.write({f"f{index}.txt": f"{index}\n"})
    repo.clock = repo.clock.replace(hour=(repo.clock.hour + 1) % 24)
    env = repo._identity_env(("Ada", "ada@example.com"), ("Ada", "ada@example.com"), repo.clock)
    repo.git(*args, "commit", "-q", "-F", "msg", env=env)
    (repo.path / "msg").unlink()
    return repo.head()


ENCODED_MESSAGES = {
    "latin-1": (
        "Café crème: naïve façade".encode("latin-1"),
        "ISO-8859-1",
        "Café crème: naïve façade",
    ),
    "shift-jis": (
        "修正: 日本語のメッセージ".encode("shift_jis"),
        "Shift_JIS",
        "修正: 日本語のメッセージ",
    ),
    "cp1251": ("Исправление ошибки".encode("cp1251"), "windows-1251", "Исправление ошибки"),
    "utf-8": ("Ünïcödé ✓".encode(), None, "Ünïcödé ✓"),
}


@pytest.fixture(scope="module")
def encodings(tmp_path_factory: pytest.TempPathFactory) -> tuple[RepoBuilder, dict[str, str]]:
    repo = RepoBuilder(tmp_path_factory.mktemp("enc") / "repo")
    shas = {
        name: _commit_with_message(repo, raw, declared)
        for name, (raw, declared, _) in ENCODED_MESSAGES.items()
    }
    # bytes that are UTF-8 in no way, undeclared, with controls but no NUL
    shas["garbage"] = _commit_with_message(repo, b"\xff\xfe\x80\x1b[31m\x07\x08\r\x7f junk\n", None)
    # an encoding no iconv knows: git gives the bytes as they are
    shas["bogus"] = _commit_with_message(repo, "Zürich".encode("latin-1"), "x-klingon-7")
    return repo, shas


@pytest.mark.parametrize("name", list(ENCODED_MESSAGES))
def test_messages_in_declared_encodings_are_stored_as_text(
    encodings: tuple[RepoBuilder, dict[str, str]], tmp_path: Path, name: str
) -> None:
    repo, shas = encodings
    db = tmp_path / "s.duckdb"
    mine(repo.path, db)

    assert query(db, "SELECT message FROM commits WHERE sha = ?", [shas[name]]) == [
        (ENCODED_MESSAGES[name][2],)
    ]


def test_garbage_and_unknown_encodings_are_kept_as_visible_escapes(
    encodings: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = encodings
    header = git_raw(repo.path, "cat-file", "commit", shas["bogus"])
    assert b"encoding x-klingon-7" in header
    db = tmp_path / "s.duckdb"
    summary = mine(repo.path, db)

    messages = dict(query(db, "SELECT sha, message FROM commits"))
    # git shows undeclared bytes that are not UTF-8 as latin-1; the store keeps what git shows
    shown = git_raw(repo.path, "log", "-1", "--format=%B", shas["garbage"]).decode().rstrip("\n")
    assert shown == "ÿþ\x80\x1b[31m\x07\x08\r\x7f junk"
    assert messages[shas["garbage"]] == shown
    assert messages[shas["bogus"]] == "Z\\xfcrich"
    assert summary.commits == len(ENCODED_MESSAGES) + 2


def _commit_config_sensitive_history(repo: RepoBuilder) -> None:
    """Changes whose figures a git setting could alter: a 24 KiB text file (binary under a
    small big-file threshold), three renames with edits (lost under a low rename limit),
    an edit that myers and patience count differently, a submodule bump (hidden when
    submodules are ignored)."""
    lists = {f"list{i}.txt": "".join(f"item {i}.{n}\n" for n in range(50)) for i in range(3)}
    repo.write({"lib": None} if (repo.path / "lib").exists() else {})
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{'12' * 20},lib")
    repo.commit("a bigger file", {"big.py": PY * 400, "order.txt": "{\na\nc\na\nx\n", **lists})
    # new names: a rename keeping its file name is found before any limit applies
    moved = {f"moved/{name[:-4]}-renamed.txt": text + "extra\n" for name, text in lists.items()}
    repo.git("update-index", "--cacheinfo", f"160000,{'34' * 20},lib")
    repo.commit(
        "move and edit",
        {
            **dict.fromkeys(lists),
            **moved,
            "order.txt": "x\n}\nx\nb\na\nx\na\nx\nx\n{\n",
        },
    )


def test_user_git_configuration_cannot_change_what_is_stored(
    encodings: tuple[RepoBuilder, dict[str, str]], tmp_path: Path
) -> None:
    """A ~/.gitconfig asking for latin-1 log output, other rename limits, another diff
    algorithm and a tiny big-file threshold: the store is the same as without it."""
    repo, _ = encodings
    _commit_config_sensitive_history(repo)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[i18n]\n\tlogOutputEncoding = ISO-8859-1\n"
        "[diff]\n\trenameLimit = 1\n\talgorithm = patience\n\tignoreSubmodules = all\n"
        "\trenames = false\n\trelative = true\n"
        "[core]\n\tbigFileThreshold = 1k\n\tquotePath = true\n"
        "[log]\n\tshowSignature = true\n\tdecorate = full\n\tmailmap = true\n"
    )
    plain, hostile = tmp_path / "plain.duckdb", tmp_path / "hostile.duckdb"
    mine(repo.path, plain)
    env = {k: v for k, v in os.environ.items() if k != "JEVONS_DB"}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(
        [sys.executable, "-m", "analyzer.cli", "mine", str(repo.path), "--db", str(hostile)],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )

    sql = (
        "SELECT sha, message, lines_added, lines_deleted, files_changed, ccn_delta FROM commits "
        "ORDER BY sha"
    )
    changes = "SELECT sha, path, old_path, change_type, lines_added, is_binary FROM file_changes"
    assert query(hostile, sql) == query(plain, sql)
    assert sorted(query(hostile, changes)) == sorted(query(plain, changes))


def test_crlf_files_measure_as_their_lf_twins(repo: RepoBuilder, tmp_path: Path) -> None:
    crlf = PY.replace("\n", "\r\n")
    repo.commit("endings", {"crlf.py": crlf, "lf.py": PY, "cr.py": PY.replace("\n", "\r")})
    repo.commit("edit", {"crlf.py": crlf + "y = 2\r\n"})
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    figures = "SELECT b.loc, b.nloc, b.ccn_total, b.function_count, b.error FROM file_changes f "
    figures += "JOIN blob_metrics b ON b.blob_sha = f.new_blob WHERE f.path = ? AND f.sha = ?"
    first = git_raw(repo.path, "rev-parse", "HEAD^").decode().strip()
    assert query(db, figures, ["crlf.py", first]) == query(db, figures, ["lf.py", first])
    assert query(db, figures, ["crlf.py", first])[0][:3] == (4, 4, 2)
    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")


def test_submodules_and_symbolic_links_are_recorded_never_measured(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    gitlink = "1234567890abcdef1234567890abcdef12345678"
    repo.write({".gitmodules": '[submodule "lib"]\n\tpath = lib\n\turl = ../lib.git\n'})
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{gitlink},lib")
    (repo.path / "escape.py").symlink_to("/etc/passwd")
    (repo.path / "loop.py").symlink_to("loop.py")
    repo.write({"real.py": PY})
    repo.git("add", "escape.py", "loop.py")
    repo.commit("submodule and links")
    repo.git("update-index", "--cacheinfo", f"160000,{'ab' * 20},lib")
    (repo.path / "real.py").unlink()
    (repo.path / "real.py").symlink_to("escape.py")  # a file becomes a link
    repo.git("add", "real.py")
    repo.commit("bump submodule, file becomes link")
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")
    rows = dict(query(db, "SELECT path || '@' || change_type, new_blob FROM file_changes"))
    assert rows["lib@A"] == gitlink and rows["lib@M"] == "ab" * 20
    link_blobs = [rows["escape.py@A"], rows["loop.py@A"], rows["lib@A"], rows["lib@M"]]
    measured = {sha for (sha,) in query(db, "SELECT blob_sha FROM blob_metrics")}
    assert measured.isdisjoint(link_blobs)
    real = git_raw(repo.path, "rev-parse", "HEAD^:real.py").decode().strip()
    assert real in measured  # the regular file was, before it became a link
    ((delta,),) = query(db, "SELECT ccn_delta FROM commits WHERE message LIKE 'bump%'")
    assert delta == -2  # the link stops counting; its target is never read


def test_renames_and_copies_with_edits_follow_git(repo: RepoBuilder, tmp_path: Path) -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(20))
    repo.commit("start", {"a/orig.py": body, "b/keep.py": body.replace("f", "g")})
    repo.commit("rename with edits", {"a/orig.py": None, "a/renamed.py": body + "z = 1\n"})
    repo.commit(
        "copy with edits", {"c/copy.py": body.replace("g", "h").replace("f", "g") + "w = 2\n"}
    )
    repo.commit(
        "swap",
        {
            "a/renamed.py": None,
            "b/keep.py": None,
            "a/keep.py": body.replace("f", "g"),
            "b/renamed.py": body + "z = 1\n",
        },
    )
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")
    renames = set(query(db, "SELECT old_path, path FROM file_changes WHERE change_type = 'R'"))
    assert ("a/orig.py", "a/renamed.py") in renames
    assert ("a/renamed.py", "b/renamed.py") in renames and ("b/keep.py", "a/keep.py") in renames
    ((kind,),) = query(db, "SELECT change_type FROM file_changes WHERE path = 'c/copy.py'")
    assert kind == "A"  # copies are new files: the miner asks git for renames only


def test_mailmap_never_rewrites_the_identities_recorded_in_commits(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    """The store keeps each commit's own author; a .mailmap (which anyone can edit later)
    cannot relabel a human as a bot, or a bot as a human."""
    person, bot = "Sam Smith <sam@example.com>", f"{BOT[0]} <{BOT[1]}>"
    repo.commit("by a person", {"a.py": PY}, author=("Sam Smith", "sam@example.com"))
    repo.commit("chore(deps): bump x", {"b.py": PY}, author=BOT)
    repo.commit("mailmap", {".mailmap": f"{bot} {person}\n{person} {bot}\n"})
    assert "dependabot" in git_raw(repo.path, "log", "--format=%aN", "-1", "HEAD~2").decode()
    db = tmp_path / "s.duckdb"

    mine(repo.path, db)

    rows = dict(query(db, "SELECT message, author_name || ' ' || authorship FROM commits"))
    assert rows["by a person"] == "Sam Smith human"
    assert rows["chore(deps): bump x"] == "dependabot[bot] automation"


def test_binary_blob_over_the_size_limit_is_recorded_with_its_reason(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    blob = bytes(range(256)) * 8192  # 2 MiB with NULs
    repo.commit("binary", {"data.bin": blob, "table.c": blob})
    db = tmp_path / "s.duckdb"

    summary = mine(repo.path, db)

    assert stored_numstat(db, summary.repo_id) == git_numstat(repo.path, "first-parent")
    ((binary, added),) = query(db, "SELECT bool_and(is_binary), sum(lines_added) FROM file_changes")
    assert binary and added == 0
    ((size, error),) = query(db, "SELECT size_bytes, error FROM blob_metrics")
    assert size == len(blob) and error.startswith("size limit")
    assert analyze_blob("x", "table.c", blob).error == error
