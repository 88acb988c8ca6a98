"""Where the server reads its policy from: a place the push cannot change.

A pre-receive hook that read `.agent-guard.yaml` from the pushed commits would let a push
loosen the rules it is judged by. So the policy of a ref update comes from:

- the ref's current tip (its value before this push), for an update or a deletion;
- the default branch (`HEAD` of the bare repository, as it is before this push), for a new
  ref: never a ref created or moved in the same push;
- the pushed commit itself only when the repository has never held a commit (the first
  push into a new repository, judged by its own policy), and then with no in-tree signers.
  "Never held": its object store outside the receive quarantine is empty and the hook has
  never accepted a push here (`FIRST_ACCEPT_MARK`). Deleting every branch does not make a
  repository new again;
- or a directory on the server (`--policy DIR`), for every ref.

The files are then read with `pipeline.TreeSource` over that commit's tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent_guard.changes.git import BatchObjectReader, Repository, is_oid
from agent_guard.changes.model import RefUpdate
from agent_guard.errors import GitError

FIRST_ACCEPT_MARK = "accepted-a-push"  # in <git-dir>/agent-guard/, written on accepting
LOOK_UP = "look it up"  # `trusted_policy(default=...)` not given
_LOOSE_DIR = re.compile(r"^[0-9a-f]{2}$")


@dataclass(frozen=True, slots=True)
class TrustedPolicy:
    """The commit whose tree holds the policy for one ref update, and why it is trusted."""

    commit: str
    reason: str  # shown to the pusher: "its tip before this push (1a2b3c4d5e6f)", ...
    in_tree_signers: bool  # False for the first push: its own signer list proves nothing


def default_branch_commit(repo: Repository) -> str | None:
    """The commit `HEAD` of the bare repository points to; None when that branch is unborn."""
    out = repo.git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", ok_codes=(0, 1))
    oid = out.decode().strip()
    return oid if is_oid(oid) else None


def default_branch_name(repo: Repository) -> str | None:
    """The ref `HEAD` names (`refs/heads/main`), existing or not; None for a detached HEAD."""
    out = repo.git.run("symbolic-ref", "--quiet", "HEAD", ok_codes=(0, 1, 128))
    name = out.decode().strip()
    return name or None


def has_refs(repo: Repository) -> bool:
    """Whether the repository has any ref (the quarantined push has not created one yet)."""
    out = repo.git.run("for-each-ref", "--count=1", "--format=%(refname)")
    return bool(out.strip())


def never_held_a_commit(repo: Repository) -> bool:
    """True only for a repository nothing was ever pushed into: no ref, no object in its
    store (the push's own objects wait in the quarantine, `objects/tmp_objdir-*`), and no
    accepted push recorded by this hook. Deleted refs leave their objects behind (and the
    mark), so deleting `main` does not reopen the first-push exception."""
    if has_refs(repo):
        return False
    if (repo.cache_dir / FIRST_ACCEPT_MARK).exists():
        return False
    store = repo.git_dir / "objects"
    try:
        if any(path.suffix == ".pack" for path in (store / "pack").iterdir()):
            return False
    except OSError:
        pass
    try:
        for entry in store.iterdir():
            if _LOOSE_DIR.match(entry.name) and any(entry.iterdir()):
                return False
    except OSError:
        pass
    return True


def record_accepted(repo: Repository) -> None:
    """Remember that this repository has accepted a push (best effort: the object store is
    the first signal, this mark survives a `gc --prune` after every ref is deleted)."""
    try:
        repo.cache_dir.mkdir(parents=True, exist_ok=True)
        (repo.cache_dir / FIRST_ACCEPT_MARK).touch()
    except OSError:
        pass


def trusted_policy(
    repo: Repository,
    objects: BatchObjectReader,
    update: RefUpdate,
    *,
    default: str | None = LOOK_UP,
    first_push: bool | None = None,
) -> TrustedPolicy:
    """Which commit's policy judges `update` (see the module docstring). Fails closed.

    `default` is the default branch's tip before the push (None: unborn; looked up when
    not given); `first_push` whether the repository never held a commit (looked up when
    needed).
    """
    if not update.created:
        old = objects.resolve_commit(update.old)
        if old is not None:
            return TrustedPolicy(old, f"its tip before this push ({old[:12]})", True)
    if default == LOOK_UP:
        default = default_branch_commit(repo)
    if default is not None:
        return TrustedPolicy(default, f"the default branch (HEAD, {default[:12]})", True)
    if first_push if first_push is not None else never_held_a_commit(repo):
        tip = objects.resolve_commit(update.new)
        if tip is not None:
            return TrustedPolicy(tip, "the pushed commit (first push, empty repository)", False)
    raise GitError(
        f"{update.ref}: no trusted policy: the default branch (HEAD) does not exist and this "
        "repository has held commits before (the first-push exception is only for a new "
        "repository); point HEAD at an existing branch or run the hook with --policy DIR"
    )
