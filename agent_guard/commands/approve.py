"""`agent-guard approve [RANGE] [--empty | --amend]`: a human approver's side of escalation.

Shows what in RANGE (default: the commits not on the upstream branch yet, else HEAD) needs
approval, checks that you (git's user.name/user.email) are a configured approver, and writes
`Escalation-Approved-By: Name <email>`:

- `--empty` (default): a new empty commit on top. It approves the commits below it in the
  same push (a signature covers the parent chain); nothing is rewritten.
- `--amend`: the trailer is added to HEAD's message (git's `interpret-trailers` places it),
  which must be the tip of RANGE.

Both use `git commit --only` without paths, so whatever you have staged stays staged and out
of the approval. The commit is signed when your git signs (`commit.gpgsign`), or with
`--sign`; the server believes a trailer only in a signed commit or in an approver's push.
Every git call goes through the one runner (`changes.git.Git`), like the hooks' calls.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from agent_guard.changes.git import Git
from agent_guard.errors import EXIT_OK, GitError, UsageError


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def default_range(git: Git) -> str:
    """The commits not yet on the upstream branch, or HEAD alone when there is none."""
    upstream = git.call("rev-parse", "--verify", "--quiet", "@{upstream}")
    return "@{upstream}..HEAD" if upstream.code == 0 else "HEAD"


def identity(git: Git) -> tuple[str, str]:
    name, email = git.config("user.name"), git.config("user.email")
    if not name or not email:
        raise UsageError("set git's user.name and user.email: the trailer names you")
    return name, email


def with_trailer(message: str, trailer: str, git: Git) -> str:
    """`message` with `trailer` added where git puts trailers (interpret-trailers)."""
    args = ("interpret-trailers", "--if-exists", "addIfDifferent", "--trailer", trailer)
    return _text(git.run(*args, input=message.encode("utf-8", "surrogateescape")))


def _sign_args(sign: bool | None) -> list[str]:
    return [] if sign is None else ["--gpg-sign"] if sign else ["--no-gpg-sign"]


def is_signed(git: Git) -> bool:
    raw = _text(git.run("cat-file", "commit", "HEAD"))
    header = raw.split("\n\n", 1)[0]
    return "\ngpgsig " in header or "\ngpgsig-sha256 " in header


@click.command(name="approve")
@click.argument("revision_range", required=False)
@click.option(
    "--empty",
    "mode",
    flag_value="empty",
    default=True,
    help="Add an empty approval commit (default).",
)
@click.option("--amend", "mode", flag_value="amend", help="Add the trailer to HEAD's message.")
@click.option("--sign/--no-sign", default=None, help="Sign the commit (default: as git is set up).")
@click.option("--dry-run", is_flag=True, help="Only show what needs approval.")
def command(revision_range: str | None, mode: str, sign: bool | None, dry_run: bool) -> int:
    """Approve the escalations of a range with a trailer (for human approvers)."""
    from agent_guard.changes.sources import range_changes, resolve_commit
    from agent_guard.model import Severity
    from agent_guard.pipeline import evaluate, load, open_repository
    from agent_guard.report import render
    from agent_guard.verdict import escalation

    repo = open_repository(Path.cwd())
    git = repo.git
    spec = revision_range or default_range(git)
    with repo.objects() as objects:
        changes = range_changes(repo, objects, spec)
        policy = load(repo, objects=objects)
        commits = [change.commit for change in changes.commits]
        approvals = escalation.local_approvals(commits, policy.escalation)
        verdict = evaluate(repo, objects, [changes], policy, approvals=approvals)
        tip = resolve_commit(repo, "HEAD")
    pending = [f for f in verdict.findings if f.severity is Severity.ESCALATE and not f.approved]
    if not pending:
        click.echo(f"agent-guard: nothing in {spec} needs approval")
        return EXIT_OK
    render(replace(verdict, findings=tuple(pending), note=None), "text", sys.stdout)
    name, email = identity(git)
    approver = escalation.approver_named(
        escalation.Identity(name, email), policy.escalation.approvers
    )
    if approver is None:
        listed = ", ".join(policy.escalation.approvers) or "none configured"
        raise UsageError(f"you ({name} <{email}>) are not a configured approver ({listed})")
    if dry_run:
        click.echo(f"agent-guard: {len(pending)} escalation(s) would be approved by {approver}")
        return EXIT_OK
    trailer = f"{escalation.TRAILER}: {name} <{email}>"
    if mode == "amend":
        if changes.tree != tip:
            raise UsageError(
                f"--amend approves HEAD, but HEAD is not the tip of {spec}: use --empty"
            )
        message = _text(git.run("log", "-1", "--format=%B", "HEAD"))
        args = ["commit", "--amend", "--only", "--quiet", *_sign_args(sign), "-F", "-"]
        text = with_trailer(message, trailer, git)
    else:
        summary = "\n".join(
            f"- {finding.path} ({finding.check}"
            + (f", commit {finding.commit[:12]})" if finding.commit else ")")
            for finding in pending
        )
        text = f"Approve escalations in {spec}\n\n{summary}\n\n{trailer}\n"
        args = ["commit", "--allow-empty", "--only", "--quiet", *_sign_args(sign), "-F", "-"]
    result = git.call(*args, input=text.encode("utf-8", "surrogateescape"))
    if result.code != 0:
        lines = _text(result.stderr).strip().splitlines()
        raise GitError(lines[-1] if lines else "git commit failed")
    signed = is_signed(git)
    state = "signed" if signed else "not signed"
    click.echo(f"agent-guard: approved {len(pending)} escalation(s) as {approver} ({state})")
    if not signed:
        click.echo(
            "agent-guard: the commit is not signed: the server believes the trailer only in a "
            "signed commit (--sign, or commit.gpgsign) or when you push it yourself"
        )
    return EXIT_OK
