"""ChangeSets from real repositories: staged, work tree, revisions, statuses and odd names."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from agent_guard.changes.model import Status
from agent_guard.changes.sources import (
    WorktreeObjects,
    blob_id,
    range_changes,
    staged_changes,
    worktree_changes,
)
from agent_guard.errors import GitError, UsageError
from tests.changes.helpers import by_path, opened
from tests.conftest import GitRepo


def test_first_commit_is_against_the_empty_tree(repo: GitRepo) -> None:
    repo.write("app/main.py", "a = 1\nb = 2\n")
    repo.add()
    with opened(repo) as (repository, objects):
        changes = staged_changes(repository, objects)
    assert changes.base == repository.empty_tree
    file = by_path(changes)["app/main.py"]
    assert file.status is Status.ADDED
    assert file.added_lines == {1, 2}
    assert file.old_oid is None and file.new_oid is not None


def test_partially_staged_file_is_judged_as_staged(repo: GitRepo) -> None:
    repo.write("a.py", "one\n")
    repo.commit("one")
    repo.write("a.py", "one\nstaged\n")
    repo.add("a.py")
    repo.write("a.py", "one\nstaged\nunstaged\nmore\n")
    with opened(repo) as (repository, objects):
        changes = staged_changes(repository, objects)
        file = by_path(changes)["a.py"]
        assert objects.read_blob(file.new_oid or "") == b"one\nstaged\n"
    assert file.added_lines == {2}


def test_worktree_includes_unstaged_edits_and_reads_them_from_disk(repo: GitRepo) -> None:
    repo.write("a.py", "one\n")
    repo.commit("one")
    repo.write("a.py", "one\nstaged\n")
    repo.add("a.py")
    repo.write("a.py", "zero\none\nstaged\nunstaged\n")
    with opened(repo) as (repository, objects):
        changes = worktree_changes(repository, objects)
        file = by_path(changes)["a.py"]
        assert file.added_lines == {1, 3, 4}
        data = WorktreeObjects(repository, changes, objects).read_blob(file.new_oid or "")
    assert data == b"zero\none\nstaged\nunstaged\n"
    assert file.new_oid == blob_id(data, "sha1")


def test_worktree_objects_batch_and_fresh_read_the_same_blobs(repo: GitRepo) -> None:
    """`read_blobs` serves work-tree files from disk and the rest from the store, in the
    order asked; a `fresh` reader (a forked worker's) reads the same with its own cat-file."""
    repo.write("a.py", "one\n")
    repo.write("b.py", "stored\n")
    repo.commit("one")
    repo.write("a.py", "one\nunstaged\n")
    stored = repo.git("rev-parse", "HEAD:b.py").strip()
    with opened(repo) as (repository, objects):
        changes = worktree_changes(repository, objects)
        edited = by_path(changes)["a.py"].new_oid or ""
        reader = WorktreeObjects(repository, changes, objects)
        assert reader.max_blob_size == objects.max_blob_size
        expected = [(stored, b"stored\n", 7), (edited, b"one\nunstaged\n", 13)]
        assert list(reader.read_blobs([stored, edited])) == expected
        worker = reader.fresh()
        try:
            assert list(worker.read_blobs([stored, edited])) == expected
        finally:
            worker.close()
        assert reader.read_blob(stored) == b"stored\n"  # the original reader still works


def test_modified_deleted_renamed_binary(repo: GitRepo) -> None:
    repo.write("keep.py", "a\nb\nc\n")
    repo.write("gone.py", "x\n")
    repo.write("app/models.py", "class User:\n    pass\n" * 5)
    repo.commit("one")
    repo.write("keep.py", "a\nB\nc\nd\n")
    os.remove(repo.path / "gone.py")
    repo.git("mv", "app/models.py", "app/db_models.py")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    repo.add()
    with opened(repo) as (repository, objects):
        files = by_path(staged_changes(repository, objects))
    assert files["keep.py"].status is Status.MODIFIED
    assert files["keep.py"].added_lines == {2, 4}
    assert files["gone.py"].status is Status.DELETED
    assert files["gone.py"].new_oid is None and not files["gone.py"].has_content
    renamed = files["app/db_models.py"]
    assert renamed.status is Status.RENAMED and renamed.old_path == "app/models.py"
    assert renamed.paths == ("app/db_models.py", "app/models.py")
    assert files["logo.png"].binary and not files["logo.png"].has_content


def test_symlink_and_submodule_are_listed_not_followed(repo: GitRepo) -> None:
    repo.write("real.txt", "x\n")
    repo.commit("one")
    (repo.path / "link").symlink_to("/etc/passwd")
    gitlink = "1" * 40
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{gitlink},vendor/lib")
    repo.add("link")
    with opened(repo) as (repository, objects):
        files = by_path(staged_changes(repository, objects))
    link = files["link"]
    assert link.is_symlink and not link.has_content
    sub = files["vendor/lib"]
    assert sub.is_submodule and sub.new_oid == gitlink and not sub.has_content


def test_type_change_symlink_to_file(repo: GitRepo) -> None:
    (repo.path / "thing").symlink_to("elsewhere")
    repo.commit("link")
    (repo.path / "thing").unlink()
    repo.write("thing", "now a file\nsecond\n")
    repo.add()
    with opened(repo) as (repository, objects):
        file = by_path(staged_changes(repository, objects))["thing"]
    assert file.status is Status.TYPE_CHANGED
    assert file.added_lines == {1, 2}
    assert file.has_content


ODD_NAMES = [
    "with space.py",
    "new\nline.py",
    "tab\there.py",
    'quo"te.py',
    "back\\slash.py",
    "ünïcödé.py",
    "-leading-dash.py",
    "--help",
    "a b/c d.py",
]


def test_odd_names_round_trip(repo: GitRepo) -> None:
    repo.write("base.txt", "x\n")
    repo.commit("one")
    for name in ODD_NAMES:
        repo.write(name, f"line for {name!r}\n")
    non_utf8 = os.fsdecode(b"caf\xe9.py")
    (repo.path / non_utf8).write_bytes(b"latin-1 name\n")
    repo.add()
    with opened(repo) as (repository, objects):
        files = by_path(staged_changes(repository, objects))
        assert objects.read_blob(files[non_utf8].new_oid or "") == b"latin-1 name\n"
    assert set(files) == {*ODD_NAMES, non_utf8}
    for name in ODD_NAMES:
        assert files[name].status is Status.ADDED
        assert files[name].added_lines == {1}, name
    assert os.fsencode(non_utf8) == b"caf\xe9.py"


def test_odd_names_in_a_range_with_renames(repo: GitRepo) -> None:
    repo.write("plain.py", "a\n" * 10)
    first = repo.commit("one")
    repo.git("mv", "--", "plain.py", "-new\nname .py")
    repo.write("-new\nname .py", "a\n" * 10 + "b\n")
    second = repo.commit("two")
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, f"{first}..{second}")
    file = by_path(changes)["-new\nname .py"]
    assert file.status is Status.RENAMED and file.old_path == "plain.py"
    assert file.added_lines == {11}
    assert [c.commit.oid for c in changes.commits] == [second]


def _branches(repo: GitRepo) -> tuple[str, str, str]:
    """main: base -> m1 ; feature (from base): f1 -> f2. Returns (base, m1, f2)."""
    repo.write("shared.py", "base\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", "f1\n")
    repo.commit("f1")
    repo.write("feature.py", "f1\nf2\n")
    f2 = repo.commit("f2")
    repo.git("checkout", "-q", "main")
    repo.write("main_only.py", "m1\n")
    m1 = repo.commit("m1")
    return base, m1, f2


def test_two_dot_range_diffs_the_two_tips(repo: GitRepo) -> None:
    _base, m1, f2 = _branches(repo)
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, "main..feature")
    files = by_path(changes)
    assert changes.base == m1 and changes.tree == f2
    assert files["feature.py"].added_lines == {1, 2}
    assert files["main_only.py"].status is Status.DELETED  # the tips differ there too
    assert [c.commit.message.strip() for c in changes.commits] == ["f1", "f2"]


def test_three_dot_range_diffs_from_the_merge_base(repo: GitRepo) -> None:
    base, _m1, _f2 = _branches(repo)
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, "main...feature")
    assert changes.base == base
    assert set(by_path(changes)) == {"feature.py"}
    assert [c.commit.message.strip() for c in changes.commits] == ["f1", "f2"]
    first, second = changes.commits
    assert by_path(first.files)["feature.py"].added_lines == {1}
    assert by_path(second.files)["feature.py"].added_lines == {2}


def test_single_commit_and_root_commit(repo: GitRepo) -> None:
    repo.write("a.py", "1\n")
    root = repo.commit("root")
    repo.write("a.py", "1\n2\n")
    second = repo.commit("second")
    with opened(repo) as (repository, objects):
        one = range_changes(repository, objects, second)
        first = range_changes(repository, objects, root)
    assert one.base == root and by_path(one)["a.py"].added_lines == {2}
    assert first.base == repository.empty_tree
    assert by_path(first)["a.py"].status is Status.ADDED
    assert one.commits[0].commit.author == "Agent Smith <agent@example.com>"
    assert one.commits[0].commit.message == "second\n"


def _merge(repo: GitRepo, evil: bool) -> str:
    repo.write("app.py", "a\nb\nc\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("app.py", "a\nb\nc\nside\n")
    repo.write("side.py", "side file\n")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("app.py", "main\na\nb\nc\n")
    repo.commit("main")
    repo.git("merge", "-q", "--no-commit", "side", check=False)
    if evil:
        repo.write("app.py", "main\na\nb\nEVIL\nc\nside\n")
        repo.add("app.py")
    repo.git("commit", "-q", "--no-edit")
    return repo.git("rev-parse", "HEAD").strip()


@pytest.mark.parametrize("evil", [False, True])
def test_merge_contributes_only_what_differs_from_all_parents(repo: GitRepo, evil: bool) -> None:
    merge = _merge(repo, evil)
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, merge)
    commit = changes.commits[0]
    assert len(commit.commit.parents) == 2
    files = by_path(commit.files)
    if evil:
        assert set(files) == {"app.py"}
        assert files["app.py"].added_lines == {4}
    else:
        assert files == {}
    assert by_path(changes) == files


def test_merge_in_a_range_is_reduced_too(repo: GitRepo) -> None:
    merge = _merge(repo, evil=True)
    base = repo.git("rev-parse", f"{merge}~1~1").strip()
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, f"{base}..{merge}")
    messages = [c.commit.message.split("\n")[0] for c in changes.commits]
    assert "side" in messages and "main" in messages and messages[-1].startswith("Merge")
    merge_files = by_path(changes.commits[-1].files)
    assert merge_files["app.py"].added_lines == {4}


def test_bad_revisions_are_one_line_errors(repo: GitRepo) -> None:
    repo.write("a", "1\n")
    repo.commit()
    with opened(repo) as (repository, objects):
        for spec in ("nope", "nope..HEAD", "HEAD...nope", "--all", "HEAD:a"):
            with pytest.raises(GitError) as error:
                range_changes(repository, objects, spec)
            assert "\n" not in str(error.value)


def test_bare_repository_has_no_staged_change(make_repo: Callable[..., GitRepo]) -> None:
    bare = make_repo("bare.git", bare=True)
    with opened(bare) as (repository, objects), pytest.raises(UsageError):
        staged_changes(repository, objects)


def test_sha256_repository(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo("sha256", object_format="sha256")
    repo.write("app/models.py", "x = 1\n")
    repo.add()
    with opened(repo) as (repository, objects):
        first = staged_changes(repository, objects)
    file = by_path(first)["app/models.py"]
    assert len(file.new_oid or "") == 64 and file.added_lines == {1}
    one = repo.commit("one")
    repo.write("app/models.py", "x = 1\ny = 2\n")
    two = repo.commit("two")
    with opened(repo) as (repository, objects):
        changes = range_changes(repository, objects, f"{one}..{two}")
    assert by_path(changes)["app/models.py"].added_lines == {2}
    assert len(changes.commits[0].commit.oid) == 64
