"""A repository is checked once before mining, and its blobs come from one cat-file."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from analyzer.errors import EmptyRepositoryError, NotARepositoryError
from analyzer.git.blobs import BlobReader
from analyzer.git.repository import list_commits, open_repository, repository_name
from tests.support.mining_repos import git_bytes
from tests.support.repo_builder import RepoBuilder


def _clone(source: Path, target: Path, *flags: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", *flags, f"file://{source}", str(target)],
        check=True,
        capture_output=True,
    )
    return target


def test_work_tree_is_described(repo: RepoBuilder) -> None:
    first = repo.commit("one", {"a.py": "a = 1\n"})
    head = repo.commit("two", {"a.py": "a = 2\n"})
    opened = open_repository(repo.path)
    assert opened.path == repo.path.resolve()
    assert (opened.name, opened.head_sha, opened.default_branch) == ("repo", head, "main")
    assert (opened.is_bare, opened.is_shallow) == (False, False)
    assert list_commits(opened, "first-parent") == [first, head]


def test_bare_repository_works_and_knows_its_default_branch(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    head = repo.commit("one", {"a.py": "a = 1\n"})
    bare = _clone(repo.path, tmp_path / "mirror.git", "--bare")
    opened = open_repository(bare)
    assert (opened.is_bare, opened.name, opened.head_sha) == (True, "mirror", head)
    assert opened.default_branch == "main"
    assert opened.origin_url == f"file://{repo.path}"


def test_shallow_clone_is_flagged_and_lists_what_it_holds(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    for n in range(5):
        repo.commit(f"c{n}", {"a.py": f"a = {n}\n"})
    shallow = _clone(repo.path, tmp_path / "shallow", "--depth", "2")
    opened = open_repository(shallow)
    assert opened.is_shallow
    assert len(list_commits(opened, "first-parent")) == 2


def test_credentials_in_the_origin_url_never_leave_the_repository(repo: RepoBuilder) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    repo.git("remote", "add", "origin", "https://ada:s3cret@git.example.com/team/repo.git")
    assert open_repository(repo.path).origin_url == "https://git.example.com/team/repo.git"


def test_path_that_is_not_a_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotARepositoryError, match="not a git repository"):
        open_repository(tmp_path)


def test_subdirectory_of_a_repository_is_not_taken_for_it(repo: RepoBuilder) -> None:
    repo.commit("one", {"src/a.py": "a = 1\n"})
    with pytest.raises(NotARepositoryError, match="not a git repository"):
        open_repository(repo.path / "src")


def test_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotARepositoryError, match="no such directory"):
        open_repository(tmp_path / "nowhere")


def test_empty_repository_is_refused_with_its_branch(repo: RepoBuilder) -> None:
    with pytest.raises(EmptyRepositoryError, match=r"empty: HEAD \(branch main\) has no commits"):
        open_repository(repo.path)


def test_git_directory_given_for_a_work_tree_mines_the_work_tree(repo: RepoBuilder) -> None:
    repo.commit("one", {"a.py": "a = 1\n"})
    assert open_repository(repo.path / ".git").path == repo.path.resolve()


def test_repository_names_drop_the_git_suffix() -> None:
    assert repository_name(Path("/src/requests")) == "requests"
    assert repository_name(Path("/mirrors/requests.git")) == "requests"


def test_blob_reader_reads_exact_bytes_and_reports_missing_blobs(repo: RepoBuilder) -> None:
    content = b"line\n\x00binary\xff\n" * 1000
    repo.commit("one", {"blob.bin": content, "empty.py": ""})
    sha = git_bytes(repo.path, "rev-parse", "HEAD:blob.bin").decode().strip()
    empty = git_bytes(repo.path, "rev-parse", "HEAD:empty.py").decode().strip()
    with BlobReader(repo.path) as reader:
        assert reader.read(sha) == content
        assert reader.read(empty) == b""
        assert reader.read("0" * 40) is None
        assert reader.read(sha) == content  # the same process, still in step


def test_one_blob_reader_serves_several_threads(repo: RepoBuilder) -> None:
    files = {f"f{n}.txt": f"{n}\n".encode() * (n * 500 + 1) for n in range(12)}
    repo.commit("many", dict(files))
    shas = {
        name: git_bytes(repo.path, "rev-parse", f"HEAD:{name}").decode().strip() for name in files
    }
    with BlobReader(repo.path) as reader, ThreadPoolExecutor(max_workers=4) as threads:
        names = list(files) * 20
        results = [threads.submit(reader.read, shas[name]) for name in names]
        assert [future.result(timeout=30) for future in results] == [files[n] for n in names]
