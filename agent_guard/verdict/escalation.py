"""Approvals: who lifted an escalation, and how much agent-guard may believe it.

The threat model decides everything here. An AI agent can write any commit message (so any
trailer), set any environment variable on its own machine and skip local hooks. It cannot
push as a human approver, sign with an approver's key, or change the server's hook. Hence:

- locally (pre-commit, commit-msg, pre-push) an `Escalation-Approved-By:` trailer naming a
  configured approver is accepted, and the report says that the server will verify it;
- on the server a trailer counts only when the commit's signature verifies (git's own
  verification: SSH through an allowed-signers file, or GPG) for the approver it names, or
  when the push itself is made by an approver (the host's authenticated pusher variables).

An approval on a commit also covers the commits of the same change that it descends from:
a signature covers the parent chain, so an approver who signs the tip vouches for what lies
beneath it, and nothing the agent adds later is covered.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agent_guard.changes.model import Commit
from agent_guard.policy.model import EscalationSettings
from agent_guard.verdict import Approvals, trailers

if TYPE_CHECKING:
    from agent_guard.changes.git import BatchObjectReader, Git, Repository

log = logging.getLogger(__name__)

TRAILER = "Escalation-Approved-By"

# The authenticated pusher, as each host hands it to its server hooks: GitLab sets
# GL_USERNAME (and GL_ID), GitHub Enterprise GITHUB_USER_LOGIN, Gitea/Forgejo
# GITEA_PUSHER_NAME and GITEA_PUSHER_EMAIL. An admin adds others with `escalation.pusher_env`.
HOST_PUSHER_ENV = ("GL_USERNAME", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME", "GITEA_PUSHER_EMAIL")

LOCAL_NOTE = (
    "approved by an {trailer} trailer; the server accepts it only from a commit signed by "
    "that approver, or from a push made by an approver"
)


@dataclass(frozen=True, slots=True)
class Identity:
    """A person as a trailer, a signature or a host names them: `Name <email>`, or one part."""

    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Identity:
        text = text.strip()
        if text.endswith(">") and "<" in text:
            name, _, email = text[:-1].rpartition("<")
            return cls(name.strip(), email.strip())
        if "@" in text and " " not in text:
            return cls("", text)
        return cls(text, "")

    def keys(self) -> frozenset[str]:
        """The forms an approver may be listed under (compared case-insensitively)."""
        return frozenset(part.casefold() for part in (self.name, self.email) if part)


def approver_named(identity: Identity, approvers: Iterable[str]) -> str | None:
    """The configured approver (a username or an email) that `identity` names, if any."""
    keys = identity.keys()
    return next((approver for approver in approvers if approver.casefold() in keys), None)


@dataclass(frozen=True, slots=True)
class TrailerApproval:
    """One `Escalation-Approved-By:` trailer and the configured approver it names (or None)."""

    value: str
    identity: Identity
    approver: str | None


def approval_trailers(
    message: str, settings: EscalationSettings, *, comment_char: str = "#"
) -> tuple[TrailerApproval, ...]:
    """Every approval trailer of a message, listed or not (an unlisted name is worth a hint)."""
    found = []
    for value in trailers.values(message, TRAILER, comment_char=comment_char):
        identity = Identity.parse(value)
        found.append(TrailerApproval(value, identity, approver_named(identity, settings.approvers)))
    return tuple(found)


def pusher_approver(settings: EscalationSettings, environ: Mapping[str, str]) -> str | None:
    """The configured approver who made this push, from the host's authenticated variables."""
    for variable in (*HOST_PUSHER_ENV, *settings.pusher_env):
        value = environ.get(variable, "").strip()
        if value:
            approver = approver_named(Identity.parse(value), settings.approvers)
            if approver is not None:
                return approver
    return None


@dataclass(frozen=True, slots=True)
class Signature:
    """git's verdict on a commit signature: `%G?` status, `%GS` signer, `%GK` key."""

    status: str
    signer: str
    key: str

    @property
    def good(self) -> bool:
        # G: good and valid. U (unknown validity), X/Y (expired), R (revoked), B, E, N: no.
        return self.status == "G"


def read_signatures(
    git: Git, oids: Sequence[str], *, allowed_signers: Path | None
) -> dict[str, Signature]:
    """Verify the signatures of `oids` with git itself, in one process (the one runner).

    git picks SSH or GPG from the signature and runs ssh-keygen or gpg itself; SSH
    signatures are checked against `allowed_signers` (`gpg.ssh.allowedSignersFile`), whose
    principal becomes the signer. The runner's `--no-replace-objects` matters most here:
    without it a `refs/replace/` ref lends an approver's signed commit to a forged one. Its
    environment keeps the receive quarantine's variables, so this works in pre-receive.
    """
    if not oids:
        return {}
    config = []
    if allowed_signers is not None:
        config = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"]
    result = git.call(
        *config,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "-z",
        "--format=%H%x00%G?%x00%GS%x00%GK",
        input="".join(oid + "\n" for oid in oids).encode(),
    )
    if result.code != 0:
        log.warning("git log --format=%%G? failed: %s", result.stderr.decode(errors="replace"))
        return {}
    fields = result.stdout.decode("utf-8", "surrogateescape").split("\x00")
    signatures = {}
    for index in range(0, len(fields) - 3, 4):
        oid, status, signer, key = fields[index : index + 4]
        signatures[oid.strip()] = Signature(status, signer, key)
    return signatures


def verified_signatures(
    repo: Repository,
    objects: BatchObjectReader,
    commits: Sequence[Commit],
    settings: EscalationSettings,
    *,
    tree: str | None,
    policy_dir: Path | None = None,
) -> dict[str, Signature]:
    """Verify the signatures of the commits carrying an approval trailer, and only those.

    The allowed signers come from trusted places only: relative `escalation.allowed_signers`
    paths from `tree` (a commit the change under judgement cannot have edited: the ref's tip
    before a push, the base of a range) or from `policy_dir`; absolute paths and git's own
    `gpg.ssh.allowedSignersFile` from this machine's disk.
    """
    import tempfile

    signed = commits_needing_signatures(commits, settings)
    if not signed:
        return {}
    signers = allowed_signers(repo, objects, settings, tree=tree, policy_dir=policy_dir)
    with tempfile.TemporaryDirectory(prefix="agent-guard-") as folder:
        path = Path(folder) / "allowed_signers"
        path.write_bytes(signers)
        return read_signatures(repo.git, signed, allowed_signers=path)


def allowed_signers(
    repo: Repository,
    objects: BatchObjectReader,
    settings: EscalationSettings,
    *,
    tree: str | None,
    policy_dir: Path | None = None,
) -> bytes:
    """The SSH allowed-signers lines to trust, concatenated (see `verified_signatures`)."""
    from agent_guard.changes.git import CommitTreeReader

    reader = CommitTreeReader(repo.git, objects, tree) if tree is not None else None
    parts: list[bytes] = []
    for name in settings.allowed_signers:
        data: bytes | None = None
        if os.path.isabs(name):
            data = _read_file(Path(name))
        elif policy_dir is not None:
            data = _read_file(policy_dir / name)
        elif reader is not None:
            data = reader.read(name)
        if data:
            parts.append(data.rstrip(b"\n") + b"\n")
    configured = repo.git.config("gpg.ssh.allowedSignersFile")
    if configured:
        data = _read_file(Path(configured).expanduser())
        if data:
            parts.append(data.rstrip(b"\n") + b"\n")
    return b"".join(parts)


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def signed_approver(
    approval: TrailerApproval, signature: Signature | None, settings: EscalationSettings
) -> str | None:
    """The approver when the commit is signed by the very approver its trailer names."""
    if approval.approver is None or signature is None or not signature.good:
        return None
    signer = approver_named(Identity.parse(signature.signer), settings.approvers)
    if signer is None or signer.casefold() not in approval.identity.keys() | {
        approval.approver.casefold()
    }:
        return None
    return approval.approver


def local_approvals(
    commits: Sequence[Commit],
    settings: EscalationSettings,
    *,
    message: str | None = None,
    comment_char: str = "#",
) -> Approvals:
    """Approvals as a local hook sees them: a listed approver's trailer is taken at its word.

    `message` is the message being written (commit-msg): its approval covers the whole
    staged change, which has no commit id yet.
    """
    everything = None
    if message is not None:
        everything = _first_listed(approval_trailers(message, settings, comment_char=comment_char))
    by_commit: dict[str, str] = {}
    for commit in commits:
        approver = _first_listed(approval_trailers(commit.message, settings))
        if approver is not None:
            by_commit[commit.oid] = approver
    by_commit = cover_ancestors(by_commit, commits)
    everything = everything or _all_covered(by_commit, commits)
    note = LOCAL_NOTE.format(trailer=TRAILER) if by_commit or everything else None
    return Approvals(by_commit=by_commit, everything=everything, note=note)


def server_approvals(
    commits: Sequence[Commit],
    settings: EscalationSettings,
    *,
    environ: Mapping[str, str],
    signatures: Mapping[str, Signature],
) -> Approvals:
    """Approvals the server can believe: an approver's push, or a trailer the approver signed."""
    pusher = pusher_approver(settings, environ)
    if pusher is not None:
        return Approvals(by_commit={}, everything=pusher, note=f"pushed by approver {pusher}")
    by_commit: dict[str, str] = {}
    refused: dict[str, str] = {}
    for commit in commits:
        for approval in approval_trailers(commit.message, settings):
            approver = signed_approver(approval, signatures.get(commit.oid), settings)
            if approver is not None:
                by_commit[commit.oid] = approver
                break
            refused.setdefault(commit.oid, _refusal(commit, approval, signatures.get(commit.oid)))
    by_commit = cover_ancestors(by_commit, commits)
    notes = [f"signed approval by {approver}" for approver in sorted(set(by_commit.values()))]
    notes += [reason for oid, reason in refused.items() if oid not in by_commit]
    return Approvals(
        by_commit=by_commit,
        everything=_all_covered(by_commit, commits),
        note="; ".join(notes) or None,
    )


def commits_needing_signatures(
    commits: Sequence[Commit], settings: EscalationSettings
) -> list[str]:
    """The commits whose signature matters: those carrying a listed approver's trailer."""
    return [
        commit.oid
        for commit in commits
        if any(approval.approver for approval in approval_trailers(commit.message, settings))
    ]


def cover_ancestors(approved: Mapping[str, str], commits: Sequence[Commit]) -> dict[str, str]:
    """Extend each approval to the commits of the same change it descends from."""
    if not approved:
        return {}
    in_change = {commit.oid: commit for commit in commits}
    covered = dict(approved)
    for oid, approver in approved.items():
        pending = list(in_change[oid].parents) if oid in in_change else []
        while pending:
            parent = pending.pop()
            if parent in in_change and parent not in covered:
                covered[parent] = approver
                pending.extend(in_change[parent].parents)
    return covered


def _all_covered(by_commit: Mapping[str, str], commits: Sequence[Commit]) -> str | None:
    """The approver when every commit of the change is approved (so its net change is too)."""
    if not commits or any(commit.oid not in by_commit for commit in commits):
        return None
    return ", ".join(sorted(set(by_commit.values())))


def _first_listed(approvals: Iterable[TrailerApproval]) -> str | None:
    return next((approval.approver for approval in approvals if approval.approver), None)


def _refusal(commit: Commit, approval: TrailerApproval, signature: Signature | None) -> str:
    short = commit.oid[:12]
    if approval.approver is None:
        return f"{short}: {TRAILER}: {approval.value} names no configured approver"
    if signature is None or signature.status == "N":
        why = "the commit is not signed"
    elif not signature.good:
        why = f"its signature does not verify (git status {signature.status})"
    else:
        why = f"it is signed by {signature.signer or signature.key}, not by {approval.approver}"
    return f"{short}: {TRAILER}: {approval.value} is not trusted: {why}"


def comment_char(git: Git) -> str:
    """git's comment character for commit messages (`core.commentChar`, default `#`)."""
    value = git.config("core.commentChar")
    return value if value and value != "auto" else "#"
