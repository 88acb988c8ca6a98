"""What every command that reports findings shares: its options, declared once, and how
it writes the report (`diff` and the local hooks; see docs/reports.md).

    --select / --ignore CHECKS   slugs, codes, code prefixes or ALL; comma lists, repeatable
    --exit-zero                  exit 0 even when the change is blocked (2 stays 2)
    --statistics                 a count per check instead of each finding
    --output-file PATH           write the report there instead of to stdout
    -q                           (global) nothing at all for a clean change

The parameters are plain `Param`s (commands/params.py), so the lean parser and click read
the same declaration.
"""

from __future__ import annotations

import io
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from agent_guard.commands.params import Param
from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, UsageError
from agent_guard.verdict import Verdict

STATISTICS_FORMATS = ("text", "concise", "json")


def format_param(formats: Sequence[str]) -> Param:
    return Param(
        "--format",
        dest="fmt",
        choices=formats,
        default="text",
        show_default=True,
        help="Report format (concise: one `path:line:col: CODE [slug] message` line each).",
    )


POLICY_PARAMS = (
    Param(
        "--config",
        kind="file",
        help="Config file (default: .agent-guard.yaml or pyproject's [tool.agent-guard]).",
    ),
    Param(
        "--rules",
        dest="rule_paths",
        kind="file",
        multiple=True,
        help="A rule file to use instead of discovering them (repeatable).",
    ),
)

# The verdict's threshold and the text report's colour, the same for `check` and `diff`.
FAIL_ON_PARAM = Param(
    "--fail-on",
    choices=("warning", "error"),
    default="error",
    show_default=True,
    help="The lowest severity that blocks (escalations always block until approved).",
)
COLOR_PARAM = Param(
    "--color/--no-color",
    flag=True,
    help="Colour the text report (default: on a terminal).",
)

SELECTION_PARAMS = (
    Param(
        "--select",
        multiple=True,
        metavar="CHECKS",
        help="Only these checks: slugs, codes, code prefixes (AG1) or ALL; comma list, repeatable.",
    ),
    Param(
        "--ignore",
        multiple=True,
        metavar="CHECKS",
        help="Not these checks (same names as --select; wins over it).",
    ),
)
OUTPUT_PARAMS = (
    Param(
        "--exit-zero",
        flag=True,
        default=False,
        help="Exit 0 even when the change is blocked (usage errors still exit 2).",
    ),
    Param(
        "--statistics",
        flag=True,
        default=False,
        help="Show a count of findings per check instead of each finding.",
    ),
    Param(
        "--output-file",
        kind="file",
        metavar="PATH",
        help="Write the report to PATH instead of standard output.",
    ),
)


def verbose() -> bool:
    """`-v` was given (cli.main set agent-guard's logger to INFO or lower)."""
    return logging.getLogger("agent_guard").isEnabledFor(logging.INFO)


def quiet() -> bool:
    """`-q` was given (cli.main set agent-guard's logger above WARNING)."""
    return not logging.getLogger("agent_guard").isEnabledFor(logging.WARNING)


def exit_code(verdict: Verdict, exit_zero: bool) -> int:
    return EXIT_BLOCKED if verdict.blocked and not exit_zero else EXIT_OK


def write_statistics(verdict: Verdict, fmt: str, stream: TextIO) -> None:
    """ruff's `--statistics`: one row per check, most findings first, then the summary."""
    if fmt not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics works with --format {', '.join(STATISTICS_FORMATS)}")
    counts = Counter((finding.code, finding.check) for finding in verdict.findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        import json

        document = [{"code": code, "slug": slug, "count": n} for (code, slug), n in rows]
        stream.write(json.dumps(document, indent=2) + "\n")
        return
    for (code, slug), count in rows:
        stream.write(f"{count:>5}  {code:<6} {slug}\n")
    stream.write(verdict.summary() + "\n")


def report(
    verdict: Verdict,
    fmt: str,
    *,
    color: bool | None,
    statistics: bool = False,
    output_file: Path | None = None,
    render: Callable[[Verdict, str, TextIO, bool | None], None] | None = None,
) -> None:
    """Write the report of `verdict` to stdout, or to `output_file` (never coloured).

    `render` draws a format (default: `agent_guard.report.render`); the hooks pass theirs,
    which adds the hook's notes. With `-q`, a clean change in a human format prints nothing.
    """
    from agent_guard.report import render as render_format
    from agent_guard.report import use_color

    draw = render or render_format
    if quiet() and fmt in ("text", "concise") and not verdict.findings:
        return
    buffer = io.StringIO()
    if statistics:
        write_statistics(verdict, fmt, buffer)
    else:
        draw(verdict, fmt, buffer, output_file is None and use_color(sys.stdout, color))
    text = buffer.getvalue()
    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as error:
            raise UsageError(
                f"cannot write the report: {error.strerror}", str(output_file)
            ) from None
        return
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="backslashreplace")  # never crash on a strange file name
    stream.write(text)
    stream.flush()
