"""The git layer: discovery, the one cat-file reader, tree readers, errors as one line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_guard.changes.diffparse import quote_path
from agent_guard.changes.git import (
    CommitTreeReader,
    IndexTreeReader,
    environment,
    open_repository,
)
from agent_guard.changes.sources import range_changes, staged_changes
from agent_guard.errors import GitError
from agent_guard.verdict.escalation import read_signatures
from tests.changes.helpers import by_path, opened
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


# -- the runner's fixed options and environment --------------------------------------------


def test_a_hostile_environment_does_not_change_what_a_diff_says(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIT_DIFF_OPTS overrides -U0 and a non-English locale translates git's errors: the
    runner removes the one and fixes the other, so added lines and messages stay exact."""
    repo.write("a.py", "".join(f"line {n}\n" for n in range(1, 8)))
    repo.commit("seven lines")
    repo.write("a.py", "".join(f"line {n}\n" if n != 4 else "changed\n" for n in range(1, 8)))
    repo.add()
    monkeypatch.setenv("GIT_DIFF_OPTS", "--unified=3")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    monkeypatch.setenv("LANGUAGE", "de")
    with opened(repo) as (repository, objects):
        changes = staged_changes(repository, objects)
    assert by_path(changes)["a.py"].added_lines == {4}
    assert environment()["LC_ALL"] == "C" and "GIT_DIFF_OPTS" not in environment()


def test_log_show_signature_config_does_not_break_history_or_signatures(
    repo: GitRepo, tmp_path: Path
) -> None:
    """`log.showSignature=true` makes `git log` print verification text into --format
    output; the runner pins it off, so commits and their signatures still parse."""
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"agent@example.com {(tmp_path / 'key.pub').read_text()}")
    repo.git("config", "gpg.format", "ssh")
    repo.git("config", "user.signingkey", str(key))
    repo.git("config", "log.showSignature", "true")
    repo.write("a.py", "x = 1\n")
    repo.commit("one")
    repo.write("a.py", "x = 2\n")
    repo.add()
    repo.git("commit", "-q", "-S", "-m", "signed")
    head = repo.git("rev-parse", "HEAD").strip()
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, "HEAD~1..HEAD")
        signatures = read_signatures(repository.git, [head], allowed_signers=signers)
    assert [change.commit.oid for change in changes.commits] == [head]
    assert by_path(changes)["a.py"].added_lines == {1}
    assert signatures[head].status == "G"
    assert signatures[head].signer == "agent@example.com"


def test_no_git_call_reads_the_callers_stdin(repo: GitRepo) -> None:
    """A hook's stdin (pre-push's ref lines) belongs to the hook: git gets /dev/null."""
    first = repo.commit("one")
    head = repo.commit("two")
    script = (
        "import sys; from pathlib import Path; from agent_guard.changes.git import Git; "
        "sys.stdout.write(repr(Git(Path('.')).run('rev-list', '--no-walk', '--stdin', 'HEAD')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo.path,
        input=f"{first}\n".encode(),  # read by git, it would be listed too
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode() == repr(f"{head}\n".encode())
