"""Pushes as pre-receive and pre-push see them: every ref, only new commits, per commit."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_guard.changes.model import RefUpdate, Status
from agent_guard.changes.sources import parse_pre_push, parse_pre_receive, push_changes
from agent_guard.errors import UsageError
from tests.changes.helpers import by_path, opened
from tests.conftest import ROOT, GitRepo


def _server_with_main(
    make_repo: Callable[..., GitRepo], object_format: str = "sha1"
) -> tuple[GitRepo, GitRepo, str]:
    server = make_repo("server.git", bare=True, object_format=object_format)
    client = make_repo("client", object_format=object_format)
    client.write("app/main.py", "print('hello')\n")
    client.write("app/models.py", "class User:\n    pass\n")
    main = client.commit("base")
    client.git("remote", "add", "origin", str(server.path))
    client.git("push", "-q", "origin", "main")
    return server, client, main


def _send_objects(client: GitRepo, server: GitRepo, *oids: str) -> None:
    """Put objects in the server without updating its refs (the state pre-receive sees)."""
    for index, oid in enumerate(oids):
        client.git("push", "-q", "origin", f"{oid}:refs/incoming/{index}")
        server.git("update-ref", "-d", f"refs/incoming/{index}")


def test_parse_pre_receive_lines() -> None:
    zero, one = "0" * 40, "1" * 40
    updates = parse_pre_receive(f"{zero} {one} refs/heads/new\n{one} {zero} refs/heads/old\n")
    assert updates == [
        RefUpdate("refs/heads/new", zero, one),
        RefUpdate("refs/heads/old", one, zero),
    ]
    assert updates[0].created and updates[1].deleted
    sha256 = parse_pre_receive(f"{'0' * 64} {'a' * 64} refs/tags/v1\n", hash_length=64)
    assert sha256[0].created
    with pytest.raises(UsageError) as error:
        parse_pre_receive(f"{zero} {one}\n")
    assert "<stdin>:1" in str(error.value)
    with pytest.raises(UsageError):
        parse_pre_receive(f"{zero} {one} refs/heads/x\n", hash_length=64)


def test_parse_pre_push_lines() -> None:
    local, remote = "a" * 40, "b" * 40
    updates = parse_pre_push(f"refs/heads/main {local} refs/heads/main {remote}\n")
    assert updates == [RefUpdate("refs/heads/main", remote, local)]
    deleted = parse_pre_push(f"(delete) {'0' * 40} refs/heads/gone {remote}\n")
    assert deleted[0].deleted
    with pytest.raises(UsageError):
        parse_pre_push("refs/heads/main abc refs/heads/main def\n")


def test_update_create_delete_tag_multi_ref(make_repo: Callable[..., GitRepo]) -> None:
    server, client, main = _server_with_main(make_repo)
    zero = "0" * 40
    client.write("app/models.py", "class User:\n    name = 1\n")
    c1 = client.commit("edit models")
    client.write("app/main.py", "print('hello')\nprint('again')\n")
    c2 = client.commit("edit main")
    client.git("checkout", "-q", "-b", "feature", main)
    client.write("feature.py", "f = 1\n")
    f1 = client.commit("feature")
    client.git("tag", "-a", "-m", "release", "v1", c2)
    tag = client.git("rev-parse", "v1").strip()
    _send_objects(client, server, c2, f1, tag)
    stdin = (
        f"{main} {c2} refs/heads/main\n"
        f"{zero} {f1} refs/heads/feature\n"
        f"{main} {zero} refs/heads/old\n"
        f"{zero} {tag} refs/tags/v1\n"
    )
    with opened(server) as (repository, objects):
        changesets = push_changes(repository, objects, parse_pre_receive(stdin))
    by_ref = {cs.ref.ref: cs for cs in changesets if cs.ref}
    # the tag points at c2, already judged with main: only its own message is new; the
    # deleted branch is a ChangeSet without files, for the checks of where a push goes
    assert set(by_ref) == {
        "refs/heads/main",
        "refs/heads/feature",
        "refs/tags/v1",
        "refs/heads/old",
    }
    assert by_ref["refs/tags/v1"].commits == () and by_ref["refs/tags/v1"].files == ()
    deleted = by_ref["refs/heads/old"]
    assert (deleted.files, deleted.commits, deleted.rewrites) == ((), (), True)
    assert not by_ref["refs/heads/main"].rewrites
    pushed = by_ref["refs/heads/main"]
    assert [c.commit.oid for c in pushed.commits] == [c1, c2]
    assert pushed.base == main and pushed.tree == c2
    assert by_path(pushed)["app/models.py"].added_lines == {2}
    assert by_path(pushed)["app/main.py"].added_lines == {2}
    assert set(by_path(pushed.commits[0].files)) == {"app/models.py"}
    feature = by_ref["refs/heads/feature"]
    assert [c.commit.oid for c in feature.commits] == [f1]
    assert feature.base == main  # where the new history forks off
    assert set(by_path(feature)) == {"feature.py"}


def test_tag_on_new_commit_is_peeled(make_repo: Callable[..., GitRepo]) -> None:
    server, client, main = _server_with_main(make_repo)
    client.write("release.py", "v = 1\n")
    commit = client.commit("release")
    client.git("tag", "-a", "-m", "release", "v1")
    tag = client.git("rev-parse", "v1").strip()
    assert tag != commit
    _send_objects(client, server, tag)
    with opened(server) as (repository, objects):
        [changes] = push_changes(
            repository, objects, parse_pre_receive(f"{'0' * 40} {tag} refs/tags/v1\n")
        )
    assert changes.tree == commit and changes.base == main
    assert [c.commit.oid for c in changes.commits] == [commit]


def test_force_push_judges_only_new_commits(make_repo: Callable[..., GitRepo]) -> None:
    server, client, main = _server_with_main(make_repo)
    client.write("a.py", "old = 1\n")
    old = client.commit("old")
    client.git("push", "-q", "origin", "main")
    client.git("reset", "-q", "--hard", main)
    client.write("b.py", "new = 1\n")
    new = client.commit("rewritten")
    _send_objects(client, server, new)
    with opened(server) as (repository, objects):
        [changes] = push_changes(
            repository, objects, parse_pre_receive(f"{old} {new} refs/heads/main\n")
        )
    assert [c.commit.oid for c in changes.commits] == [new]
    files = by_path(changes)
    assert changes.base == old and changes.rewrites
    assert files["b.py"].added_lines == {1}
    assert files["a.py"].status is Status.DELETED


def test_a_fix_later_in_the_push_is_not_in_the_net_change(
    make_repo: Callable[..., GitRepo],
) -> None:
    server, client, main = _server_with_main(make_repo)
    client.write("app/main.py", "print('hello')\nbad()\n")
    bad = client.commit("bad")
    client.write("app/main.py", "print('hello')\ngood()\n")
    good = client.commit("fix")
    _send_objects(client, server, good)
    with opened(server) as (repository, objects):
        [changes] = push_changes(
            repository, objects, parse_pre_receive(f"{main} {good} refs/heads/main\n")
        )
        final = objects.read_blob(by_path(changes)["app/main.py"].new_oid or "")
    assert [c.commit.oid for c in changes.commits] == [bad, good]
    assert final.splitlines()[1] == b"good()"
    assert by_path(changes.commits[0].files)["app/main.py"].added_lines == {2}


def test_pushing_known_commits_only_has_nothing_to_check(make_repo: Callable[..., GitRepo]) -> None:
    server, _client, main = _server_with_main(make_repo)
    with opened(server) as (repository, objects):
        stdin = f"{'0' * 40} {main} refs/heads/copy\n{main} {'0' * 40} refs/heads/main\n"
        changesets = push_changes(repository, objects, parse_pre_receive(stdin))
    # nothing to check but where the refs go: no files, no commits
    assert sorted((cs.ref.ref if cs.ref else "", cs.files, cs.commits) for cs in changesets) == [
        ("refs/heads/copy", (), ()),
        ("refs/heads/main", (), ()),
    ]


def test_first_push_into_an_empty_repository(make_repo: Callable[..., GitRepo]) -> None:
    server = make_repo("empty.git", bare=True)
    client = make_repo("client")
    client.write("a.py", "1\n")
    first = client.commit("first")
    client.write("b.py", "2\n")
    second = client.commit("second")
    client.git("remote", "add", "origin", str(server.path))
    _send_objects(client, server, second)
    with opened(server) as (repository, objects):
        [changes] = push_changes(
            repository, objects, parse_pre_receive(f"{'0' * 40} {second} refs/heads/main\n")
        )
    assert changes.base == repository.empty_tree
    assert [c.commit.oid for c in changes.commits] == [first, second]
    assert set(by_path(changes)) == {"a.py", "b.py"}


def test_pre_push_excludes_what_the_remote_has(make_repo: Callable[..., GitRepo]) -> None:
    _server, client, main = _server_with_main(make_repo)
    client.write("x.py", "x = 1\n")
    new = client.commit("x")
    stdin = f"refs/heads/main {new} refs/heads/main {main}\n"
    with opened(client) as (repository, objects):
        [changes] = push_changes(
            repository, objects, parse_pre_push(stdin), exclude=("--remotes=origin",)
        )
    assert [c.commit.oid for c in changes.commits] == [new]
    assert changes.base == main


def test_sha256_push(make_repo: Callable[..., GitRepo]) -> None:
    server, client, main = _server_with_main(make_repo, object_format="sha256")
    client.write("app/models.py", "class User:\n    id = 1\n")
    new = client.commit("models")
    _send_objects(client, server, new)
    zero = "0" * 64
    stdin = f"{main} {new} refs/heads/main\n{zero} {new} refs/heads/copy\n"
    with opened(server) as (repository, objects):
        changesets = push_changes(repository, objects, parse_pre_receive(stdin, 64))
    judged = [cs for cs in changesets if cs.commits]
    assert len(judged) == 1  # the same commit on a second ref is judged once
    assert by_path(judged[0])["app/models.py"].added_lines == {2}
    assert [cs.ref.ref for cs in changesets if not cs.commits and cs.ref] == ["refs/heads/copy"]


HOOK = """#!{python}
import json, sys
sys.path.insert(0, {root!r})
from agent_guard.changes.git import open_repository
from agent_guard.changes.sources import parse_pre_receive, push_changes
repo = open_repository(".")
with repo.objects() as objects:
    sets = push_changes(repo, objects, parse_pre_receive(sys.stdin.read(), repo.hash_length))
    out = [{{"ref": cs.ref.ref, "commits": [c.commit.oid for c in cs.commits],
             "files": sorted(f.path for f in cs.files)}} for cs in sets]
with open({out!r}, "w") as handle:
    json.dump(out, handle)
sys.exit(1)
"""


def test_inside_a_real_receive_quarantine(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    server, client, _main = _server_with_main(make_repo)
    out = tmp_path / "seen.json"
    hook = server.path / "hooks" / "pre-receive"
    hook.write_text(HOOK.format(python=sys.executable, root=str(ROOT), out=str(out)))
    hook.chmod(0o755)
    client.write("odd name\n.py", "x = 1\n")
    new = client.commit("quarantined")
    client.git("checkout", "-q", "-b", "topic")
    client.write("topic.py", "t = 1\n")
    topic = client.commit("topic")
    pushed = client.git("push", "origin", "main", "topic", check=False)
    assert pushed == ""  # rejected by the hook
    seen = {entry["ref"]: entry for entry in json.loads(out.read_text())}
    assert seen["refs/heads/main"]["commits"] == [new]
    assert seen["refs/heads/main"]["files"] == ["odd name\n.py"]
    assert seen["refs/heads/topic"]["commits"] == [topic]
    # rejected: the objects never left the quarantine
    assert server.git("cat-file", "-t", new, check=False) == ""
    assert "GIT_QUARANTINE_PATH" not in os.environ
