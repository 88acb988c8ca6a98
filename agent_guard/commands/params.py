"""One definition of a hot command's parameters, read by two parsers.

Why: git runs the hooks on every commit and push, and click costs more there than it is
worth. Measured on a 20-file staged change with a warm policy cache (issue 12,
benchmarks/click_cost.py): going through click instead adds 15-29 ms of wall time and
24 ms of CPU time to a 150-180 ms `diff --staged` or `hook pre-commit` (`import click`
alone is 26 ms in-process, building the command 2 ms), over the 10 ms the issue allows.
So the hot commands (`agent-guard hook ...`, `agent-guard diff`) declare their options
once, here, as plain data:

- `parse()` is a lean parser for the invocations hooks and CI actually make (known options,
  `--opt value`, `--opt=value`, flags, positionals, `--`). It never reports an error: for
  anything it does not fully understand (`--help`, an unknown option, a bad choice, a path
  that fails its check) it answers None and the caller falls back to click;
- `to_click()` turns the same declarations into click parameters, so help, error messages
  and exit codes are click's, exactly as for every other command.

The two cannot drift: there is only one list of parameters, and the lean parser accepts a
strict subset of what click accepts, giving the same values.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

Kind = str  # "str" | "float" | "path" | "file" (a path that is not a dir) | "dir"


class Param:
    """An option (`decls` start with `-`) or an argument (`decls` = its name), click-style.

    `kind`: how the value is converted and checked ("str", "float", "file": a path that
    must not be a directory, "dir": an existing directory). `choices` restricts a "str".
    A flag is an option without a value; `--a/--b` declares an on/off pair. A `multiple`
    argument (the last one) takes every remaining positional, as click's `nargs=-1`.
    """

    __slots__ = (
        "choices",
        "decls",
        "default",
        "dest",
        "flag",
        "help",
        "kind",
        "metavar",
        "multiple",
        "required",
        "show_default",
    )

    def __init__(
        self,
        *decls: str,
        dest: str | None = None,
        kind: Kind = "str",
        choices: Sequence[str] | None = None,
        default: Any = None,
        flag: bool = False,
        multiple: bool = False,
        required: bool = False,
        show_default: bool = False,
        metavar: str | None = None,
        help: str | None = None,
    ) -> None:
        self.decls = decls
        self.dest = dest or _dest(decls)
        self.kind = kind
        self.choices = tuple(choices) if choices is not None else None
        self.default = default
        self.flag = flag
        self.multiple = multiple
        self.required = required
        self.show_default = show_default
        self.metavar = metavar
        self.help = help

    @property
    def is_option(self) -> bool:
        return self.decls[0].startswith("-")

    def names(self) -> dict[str, Any]:
        """Option spellings -> the value each sets (None: the option takes a value)."""
        names: dict[str, Any] = {}
        for decl in self.decls:
            on, _, off = decl.partition("/")
            names[on] = True if self.flag else None
            if off:
                names[off] = False
        return names


def _dest(decls: Sequence[str]) -> str:
    first = decls[0].partition("/")[0]
    return first.lstrip("-").replace("-", "_")


def _convert(param: Param, raw: str) -> tuple[bool, Any]:
    """(ok, value): the value click would give, or not ok when click might object."""
    if param.choices is not None:
        return raw in param.choices, raw
    if param.kind == "float":
        try:
            return True, float(raw)
        except ValueError:
            return False, None
    if param.kind in ("file", "dir"):
        path = Path(raw)
        exists = os.path.exists(raw)
        if exists and not os.access(raw, os.R_OK):
            return False, None
        if param.kind == "file":
            return not (exists and os.path.isdir(raw)), path
        return exists and os.path.isdir(raw), path
    return True, raw


def parse(params: Sequence[Param], args: Sequence[str]) -> dict[str, Any] | None:
    """The callback's keyword arguments, or None when click should parse (and report)."""
    options: dict[str, tuple[Param, Any]] = {}
    for param in params:
        if param.is_option:
            options.update((name, (param, value)) for name, value in param.names().items())
    positionals = [param for param in params if not param.is_option]
    values: dict[str, Any] = {}
    given: list[str] = []
    index, count = 0, len(args)
    only_positionals = False
    while index < count:
        arg = args[index]
        index += 1
        if not only_positionals and arg == "--":
            only_positionals = True
            continue
        if only_positionals or not arg.startswith("-") or arg == "-":
            given.append(arg)
            continue
        name, equals, inline = arg.partition("=")
        if name not in options:
            return None  # -h, --help, a typo: click explains
        param, preset = options[name]
        if preset is not None:  # a flag
            if equals:
                return None
            values[param.dest] = preset
            continue
        if equals:
            raw = inline
        elif index < count:
            raw = args[index]
            index += 1
        else:
            return None
        ok, value = _convert(param, raw)
        if not ok:
            return None
        if param.multiple:
            values.setdefault(param.dest, []).append(value)
        else:
            values[param.dest] = value
    variadic = positionals[-1] if positionals and positionals[-1].multiple else None
    if len(given) > len(positionals) and variadic is None:
        return None
    for index, raw in enumerate(given):
        param = positionals[min(index, len(positionals) - 1)]
        ok, value = _convert(param, raw)
        if not ok:
            return None
        if param.multiple:
            values.setdefault(param.dest, []).append(value)
        else:
            values[param.dest] = value
    for param in params:
        if param.dest in values:
            if param.multiple:
                values[param.dest] = tuple(values[param.dest])
            continue
        if param.required:
            return None
        values[param.dest] = () if param.multiple else param.default
    return values


class Command:
    """A hot command: its name, help (the callback's docstring), parameters and callback."""

    __slots__ = ("callback", "name", "params")

    def __init__(self, name: str, params: Sequence[Param], callback: Callable[..., int]) -> None:
        self.name = name
        self.params = tuple(params)
        self.callback = callback


def run_lean(commands: Mapping[str, Command], args: Sequence[str]) -> Callable[[], int] | None:
    """A call running `args[0]` (returning its exit code) with the rest parsed leanly, or
    None to let click parse and report."""
    if not args or args[0] not in commands:
        return None
    command = commands[args[0]]
    values = parse(command.params, args[1:])
    if values is None:
        return None
    return lambda: command.callback(**values)


# -- click ---------------------------------------------------------------------------------


def _click_type(param: Param) -> Any:
    import click

    if param.choices is not None:
        return click.Choice(param.choices)
    if param.kind == "float":
        return float
    if param.kind == "file":
        return click.Path(dir_okay=False, path_type=Path)
    if param.kind == "dir":
        return click.Path(file_okay=False, exists=True, path_type=Path)
    return None


def to_click(command: Command) -> click.Command:
    """The click command for `command`: same parameters, help from the callback's docstring."""
    import click

    params: list[click.Parameter] = []
    for param in command.params:
        decls = [*param.decls, param.dest] if param.is_option else [param.dest]
        if param.is_option:
            params.append(
                click.Option(
                    decls,
                    type=None if param.flag else _click_type(param),
                    default=param.default,
                    is_flag=param.flag or None,
                    multiple=param.multiple,
                    required=param.required,
                    show_default=param.show_default,
                    metavar=param.metavar,
                    help=param.help,
                )
            )
        else:
            params.append(
                click.Argument(
                    decls,
                    type=_click_type(param),
                    required=param.required,
                    metavar=param.metavar,
                    nargs=-1 if param.multiple else 1,
                )
            )
    return click.Command(
        command.name, callback=command.callback, params=params, help=command.callback.__doc__
    )


def to_click_group(name: str, help: str, commands: Mapping[str, Command]) -> click.Group:
    """A click group of hot commands (`agent-guard hook`)."""
    import click

    return click.Group(name, commands={n: to_click(c) for n, c in commands.items()}, help=help)
