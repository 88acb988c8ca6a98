"""The one interface every check implements, whatever it reads.

A check is a module `agent_guard.checks.<slug_with_underscores>` (or the `module` its
registry row names) that exposes `CHECK` and `OPTIONS`:

- `CHECK.unit` is the unit it consumes (`Unit`): a changed file's path, a Python file's AST,
  the import graph of the change, a blob's raw content, a commit message, a ref update;
- `OPTIONS` declares its options once (`checks.options.Option`);
- `CHECK.run(unit, context)` returns its findings as plain data.

The engine groups the enabled checks by unit, builds each unit once and hands it to every
check of that group; it names no check. Adding a check of any kind is one module plus one
registry row (`checks/registry.py`).

The exception that keeps commits fast: checks of unit `Unit.PYTHON` share one parse and
ONE walk per file, like pyflakes and flake8-bugbear. They subclass `checks.python.Check`
and declare node handlers (`enter_Call`, `leave_AsyncFunctionDef`) instead of `run`; the
walker dispatches every node to the handlers the enabled checks declared.

A check never talks to git and never prints: it receives data (a path, text, a tree, a
message) and returns Findings. The rule it quotes, its severity and its code come from the
policy and the registry (`make_finding`), so no check hard-codes them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from agent_guard.checks.registry import BY_SLUG, CheckInfo, Unit

__all__ = [
    "Check",
    "ContentUnit",
    "Context",
    "FileUnit",
    "MessageUnit",
    "RefUnit",
    "Unit",
    "check_of",
    "enabled_by_unit",
    "make_finding",
    "run_checks",
    "unit_of",
]
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings, Policy

if TYPE_CHECKING:
    from agent_guard.changes.model import (
        ChangedFile,
        ChangeSet,
        Commit,
        ObjectReader,
        RefUpdate,
        TreeReader,
    )


class FileUnit(NamedTuple):
    """A changed file of one commit (`commit` None: the net change, staged or work tree)."""

    file: ChangedFile
    commit: str | None


class ContentUnit(NamedTuple):
    """A changed blob's content, and the lines to check (None: all of them)."""

    file: ChangedFile
    commit: str | None
    data: bytes
    lines: AbstractSet[int] | None


class MessageUnit(NamedTuple):
    """One commit of the change, for checks of its message and metadata; `files` are what
    it changed, None when the message comes without them (the commit-msg hook)."""

    commit: Commit
    files: tuple[ChangedFile, ...] | None = None


class RefUnit(NamedTuple):
    """One ref update of a push (`changes.ref`), for checks of where a change goes."""

    update: RefUpdate
    changes: ChangeSet


class Context(NamedTuple):
    """What a check may read beyond its unit: its settings, the policy, the change, objects.

    `objects` reads blobs by id (an old version to compare with); `tree` is the new state of
    the repository when the caller has one (the index for a commit, the pushed tip).
    """

    settings: CheckSettings
    policy: Policy
    changes: ChangeSet
    objects: ObjectReader
    tree: TreeReader | None = None
    cache_dir: Path | None = None


class Check(Protocol):
    """The interface of `CHECK` in a check module (see the module docstring)."""

    unit: ClassVar[Unit]

    def run(self, unit: Any, context: Context) -> Iterable[Finding]: ...


def check_of(info: CheckInfo) -> Check:
    """The `CHECK` of a registered check (its module is imported on first use)."""
    # sys.modules first: this runs for every check on every changed file of a push.
    module = sys.modules.get(info.module) or importlib.import_module(info.module)
    check: Check = module.CHECK
    return check


def enabled_by_unit(policy: Policy) -> dict[Unit, list[CheckSettings]]:
    """The policy's enabled, registered checks grouped by the unit they consume.

    Read from the registry rows, so grouping imports no check module.
    """
    groups: dict[Unit, list[CheckSettings]] = {}
    for slug, settings in policy.checks.items():
        info = BY_SLUG.get(slug)
        if info is not None:
            groups.setdefault(info.unit, []).append(settings)
    return groups


def unit_of(slug: str) -> Unit:
    """The unit a check consumes (a finding of an unknown check counts as a path finding)."""
    info = BY_SLUG.get(slug)
    return info.unit if info is not None else Unit.PATH


def run_checks(group: Sequence[CheckSettings], unit: object, context: Context) -> list[Finding]:
    """Every check of `group` on one unit (the context's settings replaced per check)."""
    findings: list[Finding] = []
    for settings in group:
        check = check_of(BY_SLUG[settings.slug])
        findings += check.run(unit, context._replace(settings=settings))
    return findings


def make_finding(
    settings: CheckSettings,
    path: str,
    line: int,
    column: int,
    message: str,
    fix: str,
    *,
    scope: tuple[int, int] | None = None,
    commit: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> Finding:
    """A Finding for `settings.slug`, with the code, severity and rule the policy gives it."""
    return Finding(
        check=settings.slug,
        code=BY_SLUG[settings.slug].code,
        severity=settings.severity,
        path=path,
        line=line,
        column=column,
        message=message,
        fix=fix,
        rule=settings.rule,
        commit=commit,
        scope=scope,
        extra=extra,
    )
