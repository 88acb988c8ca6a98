"""The `agent-guard` command line: hot commands parsed leanly, the rest a lazy click group.

git runs `agent-guard hook ...` on every commit and push, and CI runs `agent-guard diff`:
for those, importing click and building the command costs ~15-30 ms of a ~150 ms check
(measured in issue 12). So `main()` first tries the lean path: the hot commands declare
their parameters once (`commands/params.py`) and a small parser handles the invocations
hooks and CI make. Anything else — another command, `--help`, a bad option or value,
shell completion — goes to the click group (`cli_group.py`), which builds the same
commands from the same declarations, so help, errors and exit codes are click's.

Every command returns its exit code; `main()` returns it too, and the console script (or
`python -m agent_guard`) is the one place that turns it into the process's exit status.
Errors a user can cause (`UsageError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from agent_guard.errors import EXIT_USAGE, UsageError

EXIT_INTERRUPTED = 130

# -v / -q anywhere before `--`: counted here, so every command (lean or click) sees them.
_VERBOSE = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}
_QUIET = {"-q": 1, "--quiet": 1, "-qq": 2}


def split_verbosity(args: Sequence[str]) -> tuple[int, list[str]]:
    """(verbosity, the other arguments): each -v adds one, each -q takes one away.

    The flags are global, as in ruff: accepted before or after the subcommand, anywhere
    before a `--` (after it everything is a positional, e.g. a revision).
    """
    verbosity = 0
    rest: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg in _VERBOSE:
            verbosity += _VERBOSE[arg]
        elif arg in _QUIET:
            verbosity -= _QUIET[arg]
        else:
            rest.append(arg)
    return verbosity, rest


class _Handler(logging.StreamHandler[TextIO]):
    """The command line's log handler: one at a time on the `agent_guard` logger."""


def configure_logging(verbosity: int) -> None:
    """-q: errors only; default: warnings; -v: what agent-guard does; -vv: debug.

    The handler writes to the `sys.stderr` of the moment, and replaces the one a previous
    call installed, so `main()` can run many times in one process (tests) and each run's
    log goes where that run's stderr is.
    """
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG if verbosity > 1 else logging.CRITICAL
    )
    logger = logging.getLogger("agent_guard")
    for old in [h for h in logger.handlers if isinstance(h, _Handler)]:
        logger.removeHandler(old)
    handler = _Handler(sys.stderr)
    handler.setFormatter(logging.Formatter("agent-guard: %(levelname)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _lean(args: Sequence[str]) -> Callable[[], int] | None:
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code; user errors are one line and 2."""
    verbosity, args = split_verbosity(sys.argv[1:] if argv is None else argv)
    configure_logging(verbosity)
    try:
        lean = _lean(args)
        if lean is None:
            from agent_guard.cli_group import run_click

            return run_click(args)
        try:
            return lean()
        except (EOFError, KeyboardInterrupt):
            _error("")  # as click does: end the line the user interrupted
            _error("agent-guard: aborted")
            return EXIT_USAGE
    except UsageError as error:
        from agent_guard.report.escape import escape

        # One line, no terminal controls: messages quote paths, revisions and git's stderr.
        _error(f"agent-guard: {escape(str(error))}")
        return error.exit_code
    except KeyboardInterrupt:
        _error("agent-guard: interrupted")
        return EXIT_INTERRUPTED
