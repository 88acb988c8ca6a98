"""The `agent-guard` command line: hot commands parsed leanly, the rest a lazy click group.

git runs `agent-guard hook ...` on every commit and push, and CI runs `agent-guard diff`:
for those, click's ~30 ms import would be a fifth of the whole check. So `main()` first
tries the lean path: the hot commands declare their parameters once (`commands/params.py`)
and a small parser handles the invocations hooks and CI make. Anything else — another
command, `--help`, `-v`, a bad option or value — goes to the click group (`cli_group.py`),
which builds the same commands from the same declarations, so help, errors and exit codes
are click's. Errors a user can cause become one line on stderr and exit code 2.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence

from agent_guard.errors import EXIT_USAGE, UsageError

COMMANDS: dict[str, str] = {
    "diff": "Check a change (staged by default, or a revision range) against the policy.",
    "rules": "Show the compiled policy: every rule, its severity and the checks enforcing it.",
    "explain": "Show the documentation of a check.",
    "init": "Write a starter .agent-guard.yaml from the discovered rule files.",
    "hook": "Entry points for git hooks: pre-commit, commit-msg, pre-push, pre-receive.",
    "install": "Install agent-guard as native git hooks in this repository.",
    "approve": "Approve the escalations of a range with a trailer (for human approvers).",
}


def configure_logging(verbose: int) -> None:
    """`-v`: what agent-guard does; `-vv`: debug. Warnings are always shown."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="agent-guard: %(levelname)s: %(message)s")


def _lean(args: Sequence[str]) -> Callable[[], None] | None:
    """The hot command `args` names, parsed without click; None when click must parse."""
    from agent_guard.commands.params import run_lean

    if args[:1] == ["hook"]:
        from agent_guard.commands.hook import HOOKS

        return run_lean(HOOKS, args[1:])
    if args[:1] == ["diff"]:
        from agent_guard.commands.diff import DIFF

        return run_lean({"diff": DIFF}, args)
    return None


def _error(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; user errors become one line and exit code 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        lean = _lean(args)
        if lean is None:
            from agent_guard.cli_group import run_click

            run_click(args)
        else:
            configure_logging(0)
            try:
                lean()
            except (EOFError, KeyboardInterrupt):
                _error("")  # as click does: end the line the user interrupted
                _error("agent-guard: aborted")
                sys.exit(EXIT_USAGE)
    except UsageError as error:
        from agent_guard.report.escape import escape

        # One line, no terminal controls: messages quote paths, revisions and git's stderr.
        _error(f"agent-guard: {escape(str(error))}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _error("agent-guard: interrupted")
        sys.exit(130)
