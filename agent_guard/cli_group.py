"""The click group behind `agent-guard`: every command, help, and click's error reports.

`cli.main()` comes here for everything its lean parser does not take (see cli.py): other
commands, `--help`, `-v`, `--version`, and bad invocations of the hot commands. Subcommands
load on demand from `agent_guard/commands/<name>.py` (their `command` attribute), so
`agent-guard rules` does not import what `approve` needs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from agent_guard import __version__
from agent_guard.cli import COMMANDS, configure_logging
from agent_guard.errors import EXIT_USAGE


class LazyGroup(click.Group):
    """A group that imports `agent_guard.commands.<name>` only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"agent_guard.commands.{cmd_name}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing help texts from the table avoids importing every command for --help.
        with formatter.section("Commands"):
            formatter.write_dl(sorted(COMMANDS.items()))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agent-guard")
@click.option("-v", "--verbose", count=True, help="Log what agent-guard does (-vv: debug).")
def group(verbose: int) -> None:
    """agent-guard: enforce an AI coding agent's rule file at git time."""
    configure_logging(verbose)


def run_click(args: Sequence[str]) -> None:
    """Run `args` through click; click's own errors become its message and exit code 2."""
    try:
        # With standalone_mode=False, click returns the code given to ctx.exit(n).
        code = group.main(args=list(args), prog_name="agent-guard", standalone_mode=False)
        if isinstance(code, int):
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("agent-guard: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
