"""`agent-guard baseline`: record today's findings, so later runs report only new ones.

    agent-guard baseline            write .agent-guard-baseline.json from `agent-guard check`
    agent-guard baseline --check    exit 1 when the file is missing or out of date; write nothing

For adopting agent-guard on a repository that already breaks its rules: the baseline holds
every finding `agent-guard check` reports on the whole tree (escalations excepted: a
protected file still needs an approver), keyed by path, check and fingerprint, not line
(verdict/baseline.py). Every later run — check, diff, the hooks, the server — lists those
as known (with -v) and blocks only on new ones. Re-running it updates the file and says
what it added and removed (a fixed finding leaves the baseline). The file is a policy
file: commit it, review its changes, and the server reads it from the trusted branch.

`--check` says whether the file is what `agent-guard baseline` would write now (added or
removed entries: stale, exit 1), for CI that wants fixed findings pruned from it.

Exit codes: 0 written (or up to date), 1 stale (`--check`), 2 usage, config or git error.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, UsageError

if TYPE_CHECKING:
    from agent_guard.verdict.baseline import Entry

log = logging.getLogger(__name__)
LISTED = 20  # entries named per direction; the rest are counted


@click.command("baseline")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Exit 1 when the baseline is missing or out of date; write nothing.",
)
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
def command(check_only: bool, config: Path | None) -> int:
    """Record today's findings in .agent-guard-baseline.json: later runs report only new ones."""
    from agent_guard import pipeline
    from agent_guard.verdict import baseline

    repo = pipeline.open_repository(".")
    if repo.root is None:
        raise UsageError("a bare repository has no work tree to record a baseline of")
    target = repo.root / baseline.FILE
    verdict = pipeline.check(pipeline.CheckRequest(config=config, use_baseline=False))
    recorded = baseline.entries(verdict.findings)
    old = _read(target, "not checked" if check_only else "replacing it")
    added, removed = baseline.compare(old or [], recorded)
    text = baseline.dumps(recorded)
    total = sum(entry.count for entry in recorded)
    if check_only:
        if old is None:
            _say(f"{baseline.FILE}: missing; `agent-guard baseline` records {total} finding(s)")
            return EXIT_BLOCKED
        if added or removed:
            _changes(added, removed)
            _say(
                f"{baseline.FILE}: out of date ({_count(added)} to add, {_count(removed)} to "
                "remove); run `agent-guard baseline` and commit it"
            )
            return EXIT_BLOCKED
        _say(f"{baseline.FILE}: up to date ({total} known finding(s))")
        return EXIT_OK
    if old is not None and not (added or removed) and target.read_text("utf-8") == text:
        _say(f"{baseline.FILE}: up to date ({total} known finding(s)), nothing changed")
        return EXIT_OK
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write: {error.strerror}", baseline.FILE) from None
    _changes(added, removed)
    _say(
        f"{baseline.FILE}: {total} known finding(s) recorded "
        f"({_count(added)} added, {_count(removed)} removed); commit it: it is a policy file"
    )
    return EXIT_OK


def _read(target: Path, then: str) -> list[Entry] | None:
    """The entries of the current file; None when there is none, or it is not a baseline
    (then it is replaced whole, and said so)."""
    from agent_guard.verdict import baseline

    try:
        data = target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UsageError(f"cannot read: {error.strerror}", baseline.FILE) from None
    try:
        return baseline.parse_entries(data)
    except UsageError as error:
        log.warning("%s: %s", error, then)
        return None


def _count(entries: list[Entry]) -> int:
    return sum(entry.count for entry in entries)


def _changes(added: list[Entry], removed: list[Entry]) -> None:
    """One line per entry added (+) or removed (-), the first LISTED of each."""
    from agent_guard.report.escape import escape

    for sign, entries in (("+", added), ("-", removed)):
        for entry in entries[:LISTED]:
            times = f" x{entry.count}" if entry.count > 1 else ""
            _say(
                f"{sign} {escape(entry.path)}  {entry.check} ({entry.code}){times}  "
                f"{escape(entry.message)}"
            )
        if len(entries) > LISTED:
            _say(f"{sign} ... and {len(entries) - LISTED} more")


def _say(line: str) -> None:
    click.echo(line)
