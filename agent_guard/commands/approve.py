"""`agent-guard approve [RANGE] [--amend] [--policy DIR]`: a human approver's side of escalation.

An approval counts on the server only in a commit signed by an approver (docs/security.md),
so approve judges the push as the server will and writes the approval the server accepts:

1. It judges RANGE (default: the commits not on the upstream branch yet, `@{upstream}..HEAD`)
   as a push of HEAD to the upstream branch, with the server's own code
   (`receive.judge_push`): the policy of the upstream tip (or `--policy DIR`, as the hook is
   given it), signatures verified by git through the one runner (`--no-replace-objects`)
   against the allowed signers of that trusted tree, and no pusher variable (an approver's
   push is the host's business, not approve's). A trailer the agent wrote itself is
   reported as the server reports it: not signed, signed by someone not allowed, or naming
   no approver.
2. It checks that you (git's user.name / user.email) are a configured approver and that
   git can sign (`user.signingkey`, `gpg.format`): else one line saying what to set.
3. It builds the approval as a commit object, signed with your key (`git commit-tree -S`):
   an empty commit on top of HEAD (the default: nothing is rewritten, and a signature
   covers the commits below it), or, with `--amend`, HEAD again with the trailer added
   (only when HEAD is on no remote-tracking branch: approve never rewrites what was pushed).
4. It judges the push again with that commit as the tip, and moves the branch to it only
   when the server's code accepts the approval; otherwise it says why and changes nothing.
   The index and the work tree are never touched (whatever is staged stays staged).

What this machine cannot see, it cannot promise: allowed signers at absolute paths or in
the server's git config, or a GPG keyring, are read here from this machine.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from agent_guard.changes.git import Git, Repository, is_oid
from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, GitError, UsageError
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import Policy
from agent_guard.verdict import Verdict

NO_SIGNING_KEY = (
    "no signing key configured: the server accepts an approval only in a commit you sign; "
    "set one with `git config user.signingkey ~/.ssh/id_ed25519.pub` and "
    "`git config gpg.format ssh` (SSH), or `git config user.signingkey <GPG key id>` (GPG)"
)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class Target:
    """The push approve judges: HEAD (or RANGE's tip) onto the server's branch."""

    label: str  # the range as the user reads it: "origin/main..HEAD"
    ref: str  # the branch on the server: refs/heads/main
    old: str | None  # the server's tip now (None: the push creates the branch)
    tip: str
    default: tuple[str | None, str | None]  # the server's default branch: (tip, ref)
    remote: str | None  # where to push, when known


def _rev(git: Git, rev: str) -> str | None:
    out = git.run("rev-parse", "--verify", "--quiet", "--end-of-options", rev, ok_codes=(0, 1))
    oid = out.decode().strip()
    return oid if is_oid(oid) else None


def _commit(repo: Repository, rev: str) -> str:
    from agent_guard.changes.sources import resolve_commit

    return resolve_commit(repo, rev)


def _parent(git: Git, oid: str) -> str | None:
    return _rev(git, f"{oid}^1^{{commit}}")


def target(repo: Repository, revision_range: str | None) -> Target:
    """Where HEAD would go: the upstream branch when there is one (its tip is the old value)."""
    git = repo.git
    branch = _text(git.run("symbolic-ref", "--quiet", "--short", "HEAD", ok_codes=(0, 1))).strip()
    remote = git.config(f"branch.{branch}.remote") if branch else None
    merge = git.config(f"branch.{branch}.merge") if branch else None
    upstream = _rev(git, "@{upstream}^{commit}") if merge else None
    ref = merge or f"refs/heads/{branch or 'main'}"
    if revision_range is None:
        tip = _commit(repo, "HEAD")
        if upstream is not None:
            old: str | None = upstream
            label = f"{remote}/{merge.removeprefix('refs/heads/')}..HEAD" if merge else "HEAD"
        elif (remote := remote or _only_remote(git)) and _empty_remote(git, remote):
            old, label = None, f"HEAD (the first branch on {remote}, empty)"
        else:
            old, label = _parent(git, tip), "HEAD"
    elif "..." in revision_range:
        raise UsageError(f"{revision_range}: give approve a range A..B or one revision")
    elif ".." in revision_range:
        left, right = revision_range.split("..", 1)
        old, tip = _commit(repo, left or "HEAD"), _commit(repo, right or "HEAD")
        label = revision_range
    else:
        tip = _commit(repo, revision_range)
        old, label = _parent(git, tip), revision_range
    return Target(label, ref, old, tip, _server_default(git, remote, ref, old), remote)


def _only_remote(git: Git) -> str | None:
    remotes = _text(git.run("remote")).split()
    return remotes[0] if len(remotes) == 1 else None


def _empty_remote(git: Git, remote: str) -> bool:
    """No remote-tracking ref of `remote` at all: as far as this clone knows, it is empty."""
    out = git.run("for-each-ref", "--count=1", "--format=%(refname)", f"refs/remotes/{remote}/")
    return not out.strip()


def _server_default(
    git: Git, remote: str | None, ref: str, old: str | None
) -> tuple[str | None, str | None]:
    """The server's default branch as this clone knows it (`<remote>/HEAD`), else the target."""
    if remote:
        name = f"refs/remotes/{remote}/HEAD"
        out = git.run("symbolic-ref", "--quiet", name, ok_codes=(0, 1, 128)).decode().strip()
        if out.startswith(f"refs/remotes/{remote}/"):
            head = "refs/heads/" + out.removeprefix(f"refs/remotes/{remote}/")
            return _rev(git, f"{out}^{{commit}}"), head
    return old, ref


def judge(
    repo: Repository, where: Target, tip: str, policy_dir: Path | None
) -> tuple[Verdict, Policy]:
    """The server's verdict on pushing `tip` to `where.ref`: the pre-receive hook's own code."""
    from agent_guard.changes.model import RefUpdate
    from agent_guard.hooks import combine
    from agent_guard.receive import Progress, judge_push

    update = RefUpdate(where.ref, where.old or repo.zero_oid, tip)
    with repo.objects() as objects:
        judged = judge_push(
            repo,
            objects,
            [update],
            {},  # no pusher: the approval must hold by its signature alone
            policy_dir=policy_dir,
            progress=Progress(),
            default_branch=where.default,
        )
    return combine(judged.verdicts, judged.last_policy), judged.last_policy


def pending(verdict: Verdict) -> list[Finding]:
    """The escalations the server would still refuse."""
    return [
        finding
        for finding in verdict.findings
        if finding.severity is Severity.ESCALATE and verdict.blocks(finding)
    ]


def unapprovable(verdict: Verdict) -> list[Finding]:
    """What blocks the push and no approval lifts (errors, warnings under fail_on)."""
    return [
        finding
        for finding in verdict.findings
        if finding.severity is not Severity.ESCALATE and verdict.blocks(finding)
    ]


def identity(git: Git) -> tuple[str, str]:
    name, email = git.config("user.name"), git.config("user.email")
    if not name or not email:
        raise UsageError("set git's user.name and user.email: the trailer names you")
    return name, email


def signing_key(git: Git) -> str:
    """How git will sign (`gpg.format`, `user.signingkey`), or the one-line fix."""
    fmt = git.config("gpg.format") or "openpgp"
    key = git.config("user.signingkey")
    if key:
        shown = key if len(key) <= 60 else key[:57] + "..."
        return f"{'GPG' if fmt == 'openpgp' else fmt.upper()} key {shown}"
    if fmt == "ssh" and git.config("gpg.ssh.defaultKeyCommand"):
        return "SSH key from gpg.ssh.defaultKeyCommand"
    raise UsageError(NO_SIGNING_KEY)


def with_trailer(message: str, trailer: str, git: Git) -> str:
    """`message` with `trailer` added where git puts trailers (interpret-trailers)."""
    args = ("interpret-trailers", "--if-exists", "addIfDifferent", "--trailer", trailer)
    return _text(git.run(*args, input=message.encode("utf-8", "surrogateescape")))


def signed_commit(
    git: Git, tree: str, parents: list[str], message: str, env: dict[str, str] | None = None
) -> str:
    """A commit object signed with the configured key; no ref, index or file changes."""
    parent_args = [arg for parent in parents for arg in ("-p", parent)]
    result = git.call(
        "commit-tree",
        "-S",
        *parent_args,
        tree,
        input=message.encode("utf-8", "surrogateescape"),
        env=env,
    )
    oid = _text(result.stdout).strip()
    if result.code != 0 or not is_oid(oid):
        lines = [line for line in _text(result.stderr).strip().splitlines() if line.strip()]
        raise GitError(f"git could not sign the approval: {lines[-1] if lines else 'failed'}")
    return oid


def _author_env(git: Git, oid: str) -> dict[str, str]:
    """The author of `oid`, for a rewrite that must keep it (`--amend`)."""
    raw = _text(git.run("log", "-1", "--format=%an%x00%ae%x00%ad", "--date=raw", oid))
    name, email, date = raw.rstrip("\n").split("\x00")
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date}


def _pushed(git: Git, oid: str) -> list[str]:
    out = git.run("for-each-ref", "--contains", oid, "--format=%(refname:short)", "refs/remotes")
    return _text(out).split()


def _refusal(verdict: Verdict, oid: str) -> str:
    """The server's reason for not believing the approval in `oid` (from its note)."""
    parts = [part for part in (verdict.note or "").split("; ") if part.startswith(oid[:12])]
    return parts[0] if parts else "the server's check does not count it as an approval"


def _summary(findings: list[Finding]) -> str:
    return "\n".join(
        f"- {finding.path} ({finding.check}"
        + (f", commit {finding.commit[:12]})" if finding.commit else ")")
        for finding in findings
    )


@click.command(name="approve")
@click.argument("revision_range", required=False)
@click.option(
    "--amend",
    is_flag=True,
    help="Add the trailer to HEAD itself (only when HEAD is not pushed yet).",
)
@click.option(
    "--policy",
    "policy_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The server's policy directory, when its hook runs with --policy DIR.",
)
@click.option("--dry-run", is_flag=True, help="Only show what needs approval, and why.")
def command(revision_range: str | None, amend: bool, policy_dir: Path | None, dry_run: bool) -> int:
    """Approve the escalations of a range with a signed commit the server accepts."""
    from agent_guard.pipeline import open_repository
    from agent_guard.report import render
    from agent_guard.verdict import escalation

    repo = open_repository(Path.cwd())
    git = repo.git
    where = target(repo, revision_range)
    if where.old is None and policy_dir is None:
        raise UsageError(
            f"{where.label}: the push would create {where.ref} on a server with no branch "
            "to take a policy from: give approve the server's policy with --policy DIR (the "
            "first push of an existing history, docs/hosts/bare.md), or `git fetch` first if "
            "the server has branches"
        )
    verdict, policy = judge(repo, where, where.tip, policy_dir)
    waiting = pending(verdict)
    blocking = unapprovable(verdict)
    if not waiting:
        click.echo(f"agent-guard: nothing in {where.label} needs approval")
        if blocking:
            click.echo(
                f"agent-guard: the server will still refuse it: {len(blocking)} finding(s) "
                "that no approval lifts (run `agent-guard diff` to see them)"
            )
        return EXIT_OK
    render(verdict._replace(findings=tuple(waiting)), "text", sys.stdout)
    click.echo(
        f"agent-guard: {len(waiting)} escalation(s) in {where.label} need an approval the "
        "server accepts (a commit signed by an approver)"
    )
    name, email = identity(git)
    approver = escalation.approver_named(
        escalation.Identity(name, email), policy.escalation.approvers
    )
    if approver is None:
        listed = ", ".join(policy.escalation.approvers) or "none configured"
        raise UsageError(f"you ({name} <{email}>) are not a configured approver ({listed})")
    key = signing_key(git)
    if dry_run:
        click.echo(f"agent-guard: {approver} would approve them with a commit signed by {key}")
        return EXIT_OK
    head = _commit(repo, "HEAD")
    if where.tip != head:
        raise UsageError(f"the approval goes on HEAD, but HEAD is not the tip of {where.label}")
    trailer = f"{escalation.TRAILER}: {name} <{email}>"
    tree = _text(git.run("rev-parse", "--verify", f"{head}^{{tree}}")).strip()
    if amend:
        remotes = _pushed(git, head)
        if remotes:
            raise UsageError(
                f"--amend would rewrite HEAD, which is already on {', '.join(remotes)}: "
                "approve without --amend (an approval commit on top)"
            )
        message = with_trailer(_text(git.run("log", "-1", "--format=%B", head)), trailer, git)
        parents = _text(git.run("log", "-1", "--format=%P", head)).split()
        candidate = signed_commit(git, tree, parents, message, _author_env(git, head))
        what = f"amended HEAD (was {head[:12]}) with the trailer"
    else:
        message = f"Approve escalations in {where.label}\n\n{_summary(waiting)}\n\n{trailer}\n"
        candidate = signed_commit(git, tree, [head], message)
        what = f"an empty approval commit on top of {head[:12]}"
    after, _ = judge(repo, where, candidate, policy_dir)
    if pending(after):
        click.echo(
            f"agent-guard: not written: {_refusal(after, candidate)}; the server reads allowed "
            "signers from `escalation.allowed_signers` (in the branch before the push, or on "
            "its disk): add your public key there (a policy change), then approve again",
            err=True,
        )
        return EXIT_BLOCKED
    git.run("update-ref", "-m", "agent-guard approve", "HEAD", candidate, head)
    branch = where.ref.removeprefix("refs/heads/")
    click.echo(
        f"agent-guard: wrote {candidate[:12]}: {what}, signed with your {key}, carrying `{trailer}`"
    )
    click.echo(
        f"agent-guard: checked as the server will check it: {len(waiting)} escalation(s) "
        f"approved by {approver}"
    )
    if blocking:
        click.echo(
            f"agent-guard: the push is still blocked by {len(blocking)} finding(s) that no "
            "approval lifts: fix them (`agent-guard diff`), then push"
        )
    else:
        click.echo(f"agent-guard: push it: git push {where.remote or '<remote>'} HEAD:{branch}")
    return EXIT_OK
