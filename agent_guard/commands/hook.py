"""`agent-guard hook ...`: what git (or the pre-commit framework, or a server) runs.

    agent-guard hook pre-commit [--escalations auto|defer|block]
    agent-guard hook commit-msg FILE
    agent-guard hook pre-push [REMOTE [URL]]            (refs on stdin, as git passes them)
    agent-guard hook pre-receive [--policy DIR] [--time-budget S] [--fail-open]

The work is in `agent_guard.hooks`; this module parses arguments, renders, and turns the
server hook's failures into one-line rejections (fail closed). Exit codes: 0 passed,
1 blocked (or rejected), 2 a usage error in a local hook. (`sys.exit`, not `ctx.exit`:
click's non-standalone mode would swallow the code.)
"""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, UsageError

log = logging.getLogger(__name__)

GITLAB_PREFIX = "GL-HOOK-ERR: "  # GitLab shows a server hook's lines in the web UI with it


def _emit(text: str, *, prefix: str = "") -> None:
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    if lines:
        click.echo("\n".join(prefix + line for line in lines))


def _render(outcome: object, *, color: bool | None) -> str:
    from agent_guard.hooks import Outcome
    from agent_guard.report import render

    assert isinstance(outcome, Outcome)
    buffer = io.StringIO()
    render(outcome.verdict, "text", buffer, color=color)
    from agent_guard.report.escape import escape

    # Notes quote push options and ref names, chosen by whoever pushes: neutralise controls.
    notes = "".join(f"agent-guard: {escape(note)}\n" for note in outcome.notes)
    return buffer.getvalue() + notes


def _color() -> bool | None:
    from agent_guard.report import use_color

    return use_color(sys.stdout, None)


@click.group(name="hook")
def command() -> None:
    """Entry points for git hooks: pre-commit, commit-msg, pre-push, pre-receive."""


@command.command(name="pre-commit")
@click.option(
    "--escalations",
    type=click.Choice(("auto", "defer", "block")),
    default="auto",
    show_default=True,
    help="defer: report escalations for the commit-msg hook to judge; block: block them here; "
    "auto: defer when agent-guard's commit-msg hook is installed.",
)
def pre_commit(escalations: str) -> None:
    """Check the staged change."""
    from agent_guard import hooks

    outcome = hooks.pre_commit(Path.cwd(), escalations=escalations)
    _emit(_render(outcome, color=_color()))
    sys.exit(outcome.exit_code)


@command.command(name="commit-msg")
@click.argument("message_file", type=click.Path(dir_okay=False, path_type=Path))
def commit_msg(message_file: Path) -> None:
    """Check the commit message and the approvals of the staged change."""
    from agent_guard import hooks

    outcome = hooks.commit_msg(Path.cwd(), message_file)
    _emit(_render(outcome, color=_color()))
    sys.exit(outcome.exit_code)


@command.command(name="pre-push")
@click.argument("remote", required=False)
@click.argument("url", required=False)
def pre_push(remote: str | None, url: str | None) -> None:
    """Check every ref being pushed (the refs come on stdin, as git passes them)."""
    from agent_guard import hooks

    framework = os.environ.get("PRE_COMMIT") == "1"
    stdin = "" if framework or sys.stdin.isatty() else sys.stdin.read()
    outcome = hooks.pre_push(Path.cwd(), remote, stdin, os.environ)
    _emit(_render(outcome, color=_color()))
    sys.exit(outcome.exit_code)


@command.command(name="pre-receive")
@click.option(
    "--policy",
    "policy_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Read the policy from this server directory instead of the ref being updated.",
)
@click.option(
    "--time-budget",
    type=float,
    default=4.0,
    show_default=True,
    help="Seconds after which the push is rejected rather than the hook being killed.",
)
@click.option(
    "--fail-open",
    is_flag=True,
    help="Emergencies only: accept the push when agent-guard itself fails (never a finding).",
)
def pre_receive(policy_dir: Path | None, time_budget: float, fail_open: bool) -> None:
    """Server side: check every ref of a push against the trusted policy (fails closed)."""
    from agent_guard import hooks

    prefix = GITLAB_PREFIX if os.environ.get("GL_ID") else ""
    try:
        with hooks.time_budget(time_budget):
            stdin = sys.stdin.read()
            outcome = hooks.pre_receive(Path.cwd(), stdin, os.environ, policy_dir=policy_dir)
            text = _render(outcome, color=False)
    except hooks.TimeBudgetExceeded as exhausted:
        _emit(
            f"agent-guard: {exhausted}; push rejected rather than half-checked. Push fewer "
            "commits at a time, or ask the administrator to raise --time-budget.",
            prefix=prefix,
        )
        sys.exit(EXIT_BLOCKED)
    except UsageError as error:
        _fail(f"cannot check this push: {error}", fail_open, prefix)
    except Exception as error:  # fail closed on anything, with one line, never a traceback
        log.debug("internal error in pre-receive", exc_info=True)
        _fail(f"internal error: {type(error).__name__}: {error}", fail_open, prefix)
    _emit(text, prefix=prefix)
    sys.exit(outcome.exit_code)


def _fail(reason: str, fail_open: bool, prefix: str) -> NoReturn:
    from agent_guard.report.escape import escape

    one_line = escape(" ".join(reason.split()))
    if fail_open:
        _emit(f"agent-guard: {one_line}; push accepted unchecked (--fail-open)", prefix=prefix)
        sys.exit(EXIT_OK)
    _emit(f"agent-guard: {one_line}; push rejected (fail closed)", prefix=prefix)
    sys.exit(EXIT_BLOCKED)
