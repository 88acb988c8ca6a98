"""`agent-guard diff`: check a change against the policy — staged by default, or a range.

    agent-guard diff                      the staged change (what `git commit` would record)
    agent-guard diff --worktree           tracked files in the work tree against HEAD
    agent-guard diff REV                  one commit against its parent(s)
    agent-guard diff A..B | A...B         a range, commit by commit and as a whole

Exit codes: 0 passed, 1 blocked, 2 usage, config or git error (one line on stderr).
The import path stays lean: no yaml, lxml, pathspec or GitPython unless the policy cache
is cold (then the policy compiler imports what it needs).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, UsageError
from agent_guard.model import Severity
from agent_guard.report import FORMATS


@click.command("diff")
@click.argument("target", required=False, metavar="[REV | REV..REV | REV...REV]")
@click.option("--staged", is_flag=True, help="Check the staged change (the default).")
@click.option("--worktree", is_flag=True, help="Check tracked files in the work tree vs HEAD.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: .agent-guard.yaml or pyproject's [tool.agent-guard]).",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A rule file to use instead of discovering them (repeatable).",
)
@click.option("--all-lines", is_flag=True, help="Report findings on every line, not only changed.")
@click.option(
    "--fail-on",
    type=click.Choice(["warning", "error"]),
    default="error",
    show_default=True,
    help="The lowest severity that blocks (escalations always block until approved).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
)
def command(
    target: str | None,
    staged: bool,
    worktree: bool,
    fmt: str,
    config: Path | None,
    rule_paths: tuple[Path, ...],
    all_lines: bool,
    fail_on: str,
    color: bool | None,
) -> None:
    """Check a change (staged by default, or a revision range) against the policy."""
    from agent_guard import pipeline
    from agent_guard.report import render

    chosen = [name for name, on in (("--staged", staged), ("--worktree", worktree)) if on]
    if target is not None:
        chosen.append(target)
    if len(chosen) > 1:
        raise UsageError(f"choose one change to check, not {' and '.join(chosen)}")
    request = pipeline.DiffRequest(
        target=pipeline.WORKTREE if worktree else target,
        config=config,
        rules=rule_paths or None,
        all_lines=all_lines,
        fail_on=Severity(fail_on),
    )
    verdict = pipeline.diff(request)
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="backslashreplace")  # never crash on a strange file name
    render(verdict, fmt, stream, color)
    stream.flush()
    # sys.exit, not ctx.exit: click's non-standalone mode would swallow the code.
    sys.exit(EXIT_BLOCKED if verdict.blocked else EXIT_OK)


__all__ = ["command"]
