"""`--select` / `--ignore`: which checks a run uses, named as ruff users name rules.

A name is a slug (`print-call`), a code (`AG102`), a code prefix (`AG1`: every code check)
or `ALL`; options take comma lists and repeat. `--select` replaces the set of checks (by
default: every check the policy enables), `--ignore` takes checks away and wins over
`--select`.

The selection narrows the compiled policy before anything runs, as ruff skips rules it
does not select: a deselected check costs nothing, and every later stage — what blocks,
what is deferred to commit-msg, what an approval lifts — sees the selected checks only.
The narrowed policy gets its own fingerprint, so the per-blob results cache never mixes a
narrowed run's results with a full run's.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import NamedTuple

from agent_guard.checks.registry import CHECKS, lookup
from agent_guard.errors import UsageError
from agent_guard.policy.model import Policy

log = logging.getLogger(__name__)


class Selection(NamedTuple):
    """Slugs to keep (`None`: all the policy enables) and slugs to drop."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()

    @property
    def narrows(self) -> bool:
        return self.select is not None or bool(self.ignore)

    def keeps(self, slug: str) -> bool:
        return (self.select is None or slug in self.select) and slug not in self.ignore

    def narrow(self, policy: Policy) -> Policy:
        """`policy` with only the selected checks enabled (itself when nothing is narrowed)."""
        if not self.narrows:
            return policy
        checks = {slug: s for slug, s in policy.checks.items() if self.keeps(slug)}
        fingerprint = ""
        if policy.fingerprint:
            key = f"{policy.fingerprint}\0{sorted(checks)}"
            fingerprint = hashlib.sha256(key.encode()).hexdigest()
        log.info("--select/--ignore: checks on: %s", ", ".join(checks) or "none")
        return policy._replace(checks=checks, fingerprint=fingerprint)


ALL = Selection()


def resolve(name: str, option: str) -> frozenset[str]:
    """The slugs one name stands for: a slug, a code, a code prefix or ALL."""
    if name.upper() == "ALL":
        return frozenset(info.slug for info in CHECKS)
    found = lookup(name)
    if found is not None:
        return frozenset({found.slug})
    prefix = name.upper()
    matched = frozenset(info.slug for info in CHECKS if info.code.startswith(prefix))
    if len(prefix) >= 2 and matched:
        return matched
    raise UsageError(
        f"{option}: no check named {name!r} (a slug such as print-call, a code such as "
        "AG102, a code prefix such as AG1, or ALL; `agent-guard explain` lists them)"
    )


def _names(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_selection(select: Iterable[str], ignore: Iterable[str]) -> Selection:
    """The selection the `--select` and `--ignore` values (comma lists) describe."""
    chosen = _names(select)
    selected = (
        frozenset().union(*(resolve(name, "--select") for name in chosen)) if chosen else None
    )
    ignored = frozenset().union(*(resolve(name, "--ignore") for name in _names(ignore)))
    return Selection(selected, ignored)
