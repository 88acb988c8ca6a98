"""The click group behind `agent-guard`: every command, help, completion and click's errors.

`cli.main()` comes here for everything its lean parser does not take (see cli.py): other
commands, `--help`, `--version`, shell completion, and bad invocations of the hot
commands. Subcommands load on demand from `agent_guard/commands/<name>.py` (their
`command` attribute), so `agent-guard rules` does not import what `approve` needs.
`-v`/`-q` are declared here for `--help`, but `cli.main()` takes them off the line first
(they are accepted anywhere), so the group never sees them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from agent_guard import __version__
from agent_guard.commands import COMMANDS
from agent_guard.errors import EXIT_OK, EXIT_USAGE, UsageError


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
@click.option(
    "-v", "--verbose", count=True, help="Log what agent-guard does (-vv: debug); anywhere."
)
@click.option("-q", "--quiet", count=True, help="Errors and findings only; anywhere.")
def group(verbose: int, quiet: int) -> None:
    """agent-guard: enforce an AI coding agent's rule file at git time."""


def run_click(args: Sequence[str]) -> int:
    """Run `args` through click and return the exit code.

    click's own errors (an unknown option, a bad value) become a `UsageError`, which
    `cli.main()` renders as one line with exit code 2, as every other user error.
    """
    try:
        # With standalone_mode=False, click returns the command's return value, or the
        # code of a ctx.exit(n) / --help / --version.
        code = group.main(args=list(args), prog_name="agent-guard", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("agent-guard: aborted", err=True)
        return EXIT_USAGE
    except click.exceptions.NoArgsIsHelpError as error:
        error.show()  # `agent-guard` or `agent-guard hook` alone: the help, on stderr
        return EXIT_USAGE
    except click.UsageError as error:  # a bad option or value: one line, as for any error
        where = error.ctx.command_path if error.ctx is not None else _command_path(args)
        message = " ".join(error.format_message().split())
        raise UsageError(f"{message} (see `{where} --help`)") from None
    except click.ClickException as error:
        raise UsageError(" ".join(error.format_message().split())) from None
    except SystemExit as done:  # shell completion exits from inside click
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK


def _command_path(args: Sequence[str]) -> str:
    """`agent-guard diff`, `agent-guard hook pre-push`: for errors click gives no context."""
    words = ["agent-guard"]
    if args and args[0] in COMMANDS:
        words.append(args[0])
        if args[0] == "hook" and len(args) > 1 and not args[1].startswith("-"):
            words.append(args[1])
    return " ".join(words)
