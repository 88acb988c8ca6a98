"""`agent-guard diff`: check a change against the policy — staged by default, or a range.

    agent-guard diff                      the staged change (what `git commit` would record)
    agent-guard diff --worktree           tracked files in the work tree against HEAD
    agent-guard diff REV                  one commit against its parent(s)
    agent-guard diff A..B | A...B         a range, commit by commit and as a whole

    --select/--ignore CHECKS, --exit-zero, --statistics, --output-file PATH,
    --format text|concise|json|sarif|github: see commands/output.py and docs/reports.md.

Exit codes: 0 passed, 1 blocked, 2 usage, config or git error (one line on stderr).
The import path stays lean: no yaml, lxml or pathspec unless the policy cache is
cold (then the policy compiler imports what it needs), and no click: CI runs this on
every push, so its parameters are declared once (`DIFF`, see `commands/params.py`) for a
lean parser, and click is built from them only for `--help` or a bad invocation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_guard.commands import output
from agent_guard.commands.params import Command, Param
from agent_guard.errors import UsageError
from agent_guard.report import FORMATS

if TYPE_CHECKING:
    import click


def run(
    target: str | None,
    staged: bool,
    worktree: bool,
    fmt: str,
    config: Path | None,
    rule_paths: tuple[Path, ...],
    all_lines: bool,
    fail_on: str,
    verify_signatures: bool,
    color: bool | None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    exit_zero: bool = False,
    statistics: bool = False,
    output_file: Path | None = None,
) -> int:
    """Check a change (staged by default, or a revision range) against the policy."""
    from agent_guard import pipeline
    from agent_guard.model import Severity
    from agent_guard.selection import parse_selection

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
        verify_signatures=verify_signatures,
        selection=parse_selection(select, ignore),
    )
    verdict = pipeline.diff(request)
    output.report(verdict, fmt, color=color, statistics=statistics, output_file=output_file)
    return output.exit_code(verdict, exit_zero)


DIFF = Command(
    "diff",
    [
        Param("target", metavar="[REV | REV..REV | REV...REV]"),
        Param("--staged", flag=True, default=False, help="Check the staged change (the default)."),
        Param(
            "--worktree",
            flag=True,
            default=False,
            help="Check tracked files in the work tree vs HEAD.",
        ),
        output.format_param(FORMATS),
        *output.POLICY_PARAMS,
        Param(
            "--all-lines",
            flag=True,
            default=False,
            help="Report findings on every line, not only changed.",
        ),
        output.FAIL_ON_PARAM,
        Param(
            "--verify-signatures",
            flag=True,
            default=False,
            help="Count an Escalation-Approved-By trailer only on a commit signed by that "
            "approver, as the server does (use it in CI).",
        ),
        output.COLOR_PARAM,
        *output.SELECTION_PARAMS,
        *output.OUTPUT_PARAMS,
    ],
    run,
)


def __getattr__(name: str) -> Any:
    """`command`, the click command (`agent-guard diff --help`), built only when asked for."""
    if name == "command":
        from agent_guard.commands.params import to_click

        command: click.Command = to_click(DIFF)
        return command
    raise AttributeError(name)


__all__ = ["DIFF", "run"]
