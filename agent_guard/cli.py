"""The `agent-guard` command line: a click group whose subcommands load on demand.

Each subcommand lives in `agent_guard/commands/<name>.py` and exposes `command`. Loading
them lazily keeps `agent-guard hook pre-commit` from importing what `rules` or `approve`
need. Errors a user can cause become one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from agent_guard import __version__
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
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="agent-guard: %(levelname)s: %(message)s")


def main(argv: list[str] | None = None) -> None:
    """Run the command line; user errors become one line and exit code 2."""
    try:
        # With standalone_mode=False, click returns the code given to ctx.exit(n).
        code = group.main(args=argv, prog_name="agent-guard", standalone_mode=False)
        if isinstance(code, int):
            sys.exit(code)
    except UsageError as error:
        from agent_guard.report.escape import escape

        # One line, no terminal controls: messages quote paths, revisions and git's stderr.
        click.echo(f"agent-guard: {escape(str(error))}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("agent-guard: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except KeyboardInterrupt:
        click.echo("agent-guard: interrupted", err=True)
        sys.exit(130)
