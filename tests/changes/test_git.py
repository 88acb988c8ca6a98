"""The git layer: discovery, the one cat-file reader, tree readers, errors as one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent_guard.changes.diffparse import quote_path
from agent_guard.changes.git import (
    CommitTreeReader,
    IndexTreeReader,
    open_repository,
)
from agent_guard.errors import GitError
from tests.conftest import GitRepo


def test_discovers_work_tree_from_a_subfolder(repo: GitRepo) -> None:
    repo.write("pkg/a.py", "x = 1\n")
    repo.commit("one")
    found = open_repository(repo.path / "pkg")
    assert found.root == repo.path.resolve()
    assert found.git_dir == (repo.path / ".git").resolve()
    assert not found.bare
    assert found.object_format == "sha1"
    assert found.zero_oid == "0" * 40
    assert found.empty_tree == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def test_discovers_a_bare_sha256_repository(make_repo: Callable[..., GitRepo]) -> None:
    bare = make_repo("server.git", bare=True, object_format="sha256")
    found = open_repository(bare.path)
    assert found.bare and found.root is None
    assert found.hash_length == 64
    assert found.empty_tree == ("6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321")


def test_not_a_repository_is_one_line_git_error(tmp_path: Path) -> None:
    with pytest.raises(GitError) as error:
        open_repository(tmp_path)
    assert "\n" not in str(error.value)
    assert "not a git repository" in str(error.value)


def test_one_batch_reader_reads_many_objects(repo: GitRepo) -> None:
    for index in range(20):
        repo.write(f"f{index}.txt", f"content {index}\n")
    head = repo.commit("many")
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        tree = CommitTreeReader(repository.git, objects, head)
        contents = [data for path in tree.paths() if (data := tree.read(path)) is not None]
        assert objects.resolve_commit("HEAD") == head
        assert objects.read_object("0" * 40) is None
    assert sorted(contents) == sorted(f"content {i}\n".encode() for i in range(20))


def test_big_blobs_are_skipped_not_held(repo: GitRepo) -> None:
    repo.write("big.bin", b"x" * 300_000)
    repo.write("small.txt", "ok\n")
    head = repo.commit("big")
    repository = open_repository(repo.path)
    with repository.objects(max_blob_size=100_000) as objects:
        tree = CommitTreeReader(repository.git, objects, head)
        assert tree.read("big.bin") is None
        assert tree.read("small.txt") == b"ok\n"  # the stream is still in sync


def test_index_reader_sees_staged_content_not_the_work_tree(repo: GitRepo) -> None:
    repo.write("a.py", "one\n")
    repo.commit("one")
    repo.write("a.py", "staged\n")
    repo.add("a.py")
    repo.write("a.py", "unstaged\n")
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        index = IndexTreeReader(repository.git, objects)
        assert index.read("a.py") == b"staged\n"
        assert "a.py" in index.paths()


def test_symlinks_and_missing_paths_are_not_read(repo: GitRepo) -> None:
    repo.write("target.txt", "secret\n")
    (repo.path / "link").symlink_to("target.txt")
    head = repo.commit("link")
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        tree = CommitTreeReader(repository.git, objects, head)
        assert tree.read("link") is None
        assert tree.read("nope") is None
        entry = tree.entry("link")
        assert entry is not None and entry.mode == "120000"


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        (b"a/plain name.py", b"a/plain name.py"),
        (b"a/new\nline", b'"a/new\\nline"'),
        (b"a/tab\there", b'"a/tab\\there"'),
        (b'a/quo"te', b'"a/quo\\"te"'),
        (b"a/back\\slash", b'"a/back\\\\slash"'),
        ("a/ünï".encode(), b'"a/\\303\\274n\\303\\257"'),
        (b"a/\xff", b'"a/\\377"'),
    ],
)
def test_quote_path_matches_git(repo: GitRepo, raw: bytes, quoted: bytes) -> None:
    assert quote_path(raw) == quoted
