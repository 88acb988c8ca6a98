"""`agent-guard check [PATH...]`: every line of the given files (or the tree), like `ruff check`.

    agent-guard check                     every file of the work tree git does not ignore
    agent-guard check app/ tests/x.py     the files under these paths

Runs the code and content checks (the AST checks, boundaries, imports, secrets) on whole
files as they are on disk. Nothing here is a change, so the checks about a change —
protected files, policy changes, commit messages, ref updates — do not run: use
`agent-guard diff` for those. Under pre-commit, `pre-commit run --all-files` does this
through the `agent-guard` hook (`hooks.pre_commit`). Same output options as `diff`
(docs/reports.md).

Exit codes: 0 passed, 1 blocked, 2 usage, config or git error (one line on stderr).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_guard.commands import output
from agent_guard.commands.params import Command
from agent_guard.report import FORMATS

if TYPE_CHECKING:
    import click


def run(
    paths: tuple[Path, ...],
    fmt: str,
    config: Path | None,
    rule_paths: tuple[Path, ...],
    fail_on: str,
    color: bool | None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    exit_zero: bool = False,
    statistics: bool = False,
    output_file: Path | None = None,
) -> int:
    """Check every line of the files under PATHS (default: the whole work tree)."""
    from agent_guard import pipeline
    from agent_guard.model import Severity
    from agent_guard.selection import parse_selection

    request = pipeline.CheckRequest(
        paths=tuple(paths),
        config=config,
        rules=rule_paths or None,
        fail_on=Severity(fail_on),
        selection=parse_selection(select, ignore),
    )
    verdict = pipeline.check(request)
    output.report(verdict, fmt, color=color, statistics=statistics, output_file=output_file)
    return output.exit_code(verdict, exit_zero)


CHECK = Command(
    "check",
    [
        output.format_param(FORMATS),
        *output.POLICY_PARAMS,
        output.FAIL_ON_PARAM,
        output.COLOR_PARAM,
        *output.SELECTION_PARAMS,
        *output.OUTPUT_PARAMS,
    ],
    run,
)


def __getattr__(name: str) -> Any:
    """`command`, the click command, built when asked for (PATH... is a click argument)."""
    if name == "command":
        import click

        from agent_guard.commands.params import to_click

        command: click.Command = to_click(CHECK)
        paths = click.Argument(["paths"], nargs=-1, type=click.Path(path_type=Path))
        command.params.insert(0, paths)
        return command
    raise AttributeError(name)


__all__ = ["CHECK", "run"]
