"""Where the server reads its policy from: a place the push cannot change.

A pre-receive hook that read `.agent-guard.yaml` from the pushed commits would let a push
loosen the rules it is judged by. So the policy of a ref update comes from:

- the ref's current tip (its value before this push), for an update;
- the default branch (`HEAD` of the bare repository), for a new ref;
- the pushed commit itself only when the repository has no refs at all (the first push
  into an empty repository, judged by its own policy), and then with no in-tree signers;
- or a directory on the server (`--policy DIR`), for every ref.

The files are then read with `pipeline.TreeSource` over that commit's tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_guard.changes.git import BatchObjectReader, Repository, is_oid
from agent_guard.changes.model import RefUpdate
from agent_guard.errors import GitError


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


def has_refs(repo: Repository) -> bool:
    """Whether the repository has any ref (the quarantined push has not created one yet)."""
    out = repo.git.run("for-each-ref", "--count=1", "--format=%(refname)")
    return bool(out.strip())


def trusted_policy(
    repo: Repository, objects: BatchObjectReader, update: RefUpdate
) -> TrustedPolicy:
    """Which commit's policy judges `update` (see the module docstring). Fails closed."""
    if not update.created:
        old = objects.resolve_commit(update.old)
        if old is not None:
            return TrustedPolicy(old, f"its tip before this push ({old[:12]})", True)
    default = default_branch_commit(repo)
    if default is not None:
        return TrustedPolicy(default, f"the default branch (HEAD, {default[:12]})", True)
    if not has_refs(repo):
        tip = objects.resolve_commit(update.new)
        if tip is not None:
            return TrustedPolicy(tip, "the pushed commit (first push, empty repository)", False)
    raise GitError(
        f"{update.ref}: no trusted policy: the default branch (HEAD) does not exist; "
        "point HEAD at an existing branch or run the hook with --policy DIR"
    )
