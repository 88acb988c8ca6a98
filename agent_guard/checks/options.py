"""Check options, declared once: name, type, default and a one-line doc.

A check module declares `OPTIONS = (Option(...), ...)`. That one declaration is read by
config validation (`policy/config.py`: unknown keys and wrong types are errors at their
file:line:col), by the check itself (`OPTION.value(settings)`, typed, default filled in), by
`agent-guard explain CHECK` and by the option tables of docs/config.md (`markdown_table`).

Why declared types rather than types inferred from defaults: an inferred type changes with
the shape of a value (a YAML list read as a tuple once failed an `isinstance(..., list)` test
and silently turned a check's test off). Here the kind converts whatever the config gave
into the one type the check reads: a list of strings is always a `list[str]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar, cast

from agent_guard.policy.model import CheckSettings

T = TypeVar("T")


class Kind(StrEnum):
    """The type of an option, as written in docs and error messages."""

    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    STR = "str"
    STRINGS = "list of str"
    MAPPING = "map of str to str"


class OptionTypeError(ValueError):
    """A configured value that is not of the option's kind (config turns it into file:line)."""


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # a quoted boolean, as YAML users write them
    raise OptionTypeError("must be true or false")


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionTypeError("must be a whole number")
    return value


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptionTypeError("must be a number")
    return float(value)


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise OptionTypeError("must be a string")
    return value


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]  # `exclude: tests/**` means a list of one
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return list(value)
    raise OptionTypeError("must be a list of strings")


def _mapping(value: object) -> dict[str, str]:
    if isinstance(value, Mapping) and all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        return dict(value)
    raise OptionTypeError("must be a mapping of strings to strings")


_CONVERT: dict[Kind, Callable[[object], object]] = {
    Kind.BOOL: _bool,
    Kind.INT: _int,
    Kind.FLOAT: _float,
    Kind.STR: _str,
    Kind.STRINGS: _strings,
    Kind.MAPPING: _mapping,
}


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    """One option of one check. `value(settings)` is what the check reads."""

    name: str
    kind: Kind
    default: T
    doc: str

    def convert(self, value: object) -> T:
        """`value` as this option's type; OptionTypeError when it is not of its kind."""
        return cast(T, _CONVERT[self.kind](value))

    def value(self, settings: CheckSettings) -> T:
        """The configured value (validated when the policy was compiled), else the default.

        A fresh copy of a list or mapping default, so a check can never change the default.
        """
        raw = settings.options.get(self.name, self.default)
        return self.convert(raw)

    @property
    def shown_default(self) -> str:
        """The default as the docs show it (lists and mappings in YAML flow style)."""
        value: object = self.default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(f'"{item}"' for item in value) + "]" if value else "[]"
        if isinstance(value, dict):
            inner = ", ".join(f'"{key}": "{item}"' for key, item in value.items())
            return "{" + inner + "}"
        return str(value)


def declared(module_name: str) -> tuple[Option[object], ...]:
    """The options a check module declares (importing it)."""
    import importlib

    options: tuple[Option[object], ...] = importlib.import_module(module_name).OPTIONS
    return options


DOCS_BEGIN = "<!-- options: generated from each check's OPTIONS; do not edit by hand -->"
DOCS_END = "<!-- options: end -->"


def docs_section(checks: Iterable[tuple[str, str, str]]) -> str:
    """The generated part of docs/config.md: each check's option table, by (slug, code,
    module). A test keeps the file in step with the declarations."""
    parts = [DOCS_BEGIN]
    for slug, code, module in checks:
        options = declared(module)
        if options:
            parts += ["", f"#### `{slug}` ({code})", "", markdown_table(options)]
    parts += ["", DOCS_END]
    return "\n".join(parts)


def write_docs(path: str = "docs/config.md") -> None:
    """Regenerate the option tables of docs/config.md (between the markers) in place."""
    from pathlib import Path

    from agent_guard.checks.registry import CHECKS

    target = Path(path)
    text = target.read_text(encoding="utf-8")
    head, _, rest = text.partition(DOCS_BEGIN)
    _, _, tail = rest.partition(DOCS_END)
    section = docs_section((info.slug, info.code, info.module) for info in CHECKS)
    target.write_text(head + section + tail, encoding="utf-8")


def markdown_table(options: Iterable[Option[object]]) -> str:
    """The option table of one check, for `explain` and docs/config.md."""
    rows = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for option in options:
        default = option.shown_default.replace("|", "\\|")
        if len(default) > 60:
            default = default[:57] + "..."
        quoted = f"`` {default} ``" if "`" in default else f"`{default}`"
        rows.append(f"| `{option.name}` | {option.kind} | {quoted} | {option.doc} |")
    return "\n".join(rows)
