"""Reports: one module per output format, each a `write(verdict, stream, color)` function
(the text report also takes `verbose`: it lists suppressed findings, which the others always
show).

`render(verdict, fmt, stream, color)` picks the module by name and imports only that one.
`color=None` means: colour when `stream` is a terminal and NO_COLOR is not set.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import TextIO

from agent_guard.errors import UsageError
from agent_guard.model import Finding
from agent_guard.verdict import Verdict

FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github")
MESSAGE_FILE = "COMMIT_EDITMSG"


def location(finding: Finding) -> str:
    """The file a finding is shown on, never empty: SARIF and GitHub annotations need one.

    A commit-message finding has no path (the JSON report keeps `""`); it is shown on
    `COMMIT_EDITMSG`, git's name for the message file the commit-msg hook reads, and its
    commit, when it has one, travels with it.
    """
    return finding.path or MESSAGE_FILE


def use_color(stream: TextIO, color: bool | None) -> bool:
    """Explicit choice wins; otherwise a terminal without NO_COLOR (https://no-color.org)."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(
    verdict: Verdict,
    fmt: str,
    stream: TextIO,
    color: bool | None = None,
    *,
    verbose: bool | None = None,
) -> None:
    """Write `verdict` to `stream` in format `fmt` (one of FORMATS).

    `verbose` (None: whether `-v` was given) makes the human formats list suppressed
    findings too.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"agent_guard.report.{fmt}")
    if fmt in ("text", "concise"):
        if verbose is None:  # `-v` set agent-guard's logger to INFO or lower
            verbose = logging.getLogger("agent_guard").isEnabledFor(logging.INFO)
        module.write(verdict, stream, use_color(stream, color), verbose=verbose)
    else:
        module.write(verdict, stream, use_color(stream, color))
