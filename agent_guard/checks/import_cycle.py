"""import-cycle (AG204): an added import that closes a cycle among first-party modules.

What it does
    For every module-level import a change adds (`a` imports `b`), searches the new tree for
    a chain of module-level imports from `b` back to `a`, and reports the whole cycle with
    the file and line of each edge. Only the modules the search reaches are parsed. Imports
    inside functions and under `if TYPE_CHECKING:` do not run at import time, so they do not
    make cycles; existing cycles the change does not touch are not reported.

Why is this bad
    A cycle makes the import order matter: whichever module is imported first sees the other
    half-initialised, so `ImportError: cannot import name ...` appears or disappears with an
    unrelated change elsewhere. Cycles also glue modules together so neither can be tested,
    reused or replaced alone.

Example
    ```python
    # app/services/orders.py
    from app.notifications import notify      # added
    # app/notifications.py
    from app.services.orders import Order     # already there: orders -> notifications -> orders
    ```

Fix
    Move what both modules need into a third module that imports neither, pass the
    dependency in as an argument, or (for type hints only) import under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent_guard.checks.base import Context, Unit, make_finding
from agent_guard.checks.boundary import render_chain
from agent_guard.checks.importgraph import Edge, ImportGraph, reaching, shortest_chain
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

if TYPE_CHECKING:
    from agent_guard.checks.architecture import ImportsUnit

OPTIONS: tuple[Option[object], ...] = ()


class ImportCycleCheck:
    """Each module-level import a change adds that closes a first-party cycle."""

    unit = Unit.IMPORTS

    def run(self, unit: ImportsUnit, context: Context) -> list[Finding]:
        seen: set[frozenset[str]] = set()  # a cycle two added edges close is reported once
        findings: list[Finding] = []
        for changed in unit.python:
            if not context.settings.applies_to(changed.path):
                continue
            added, kept = unit.edges(changed)
            if added:
                findings += check_file(
                    unit.graph, context.settings, changed.path, added, kept, seen
                )
        return findings


CHECK = ImportCycleCheck()


def _runs_at_import(edge: Edge) -> bool:
    return edge.module_level and not edge.type_checking and edge.target is not None


def check_file(
    graph: ImportGraph,
    settings: CheckSettings,
    path: str,
    added: Sequence[Edge],
    kept: Sequence[Edge],
    seen: set[frozenset[str]],
) -> list[Finding]:
    """Cycles closed by the edges `added` to `path`; `kept` are its edges the change kept.

    `seen` holds the cycles already reported in this run (as sets of files), so a cycle
    that two added edges close is reported once.
    """
    existing = {edge.target for edge in kept if _runs_at_import(edge)}
    findings: list[Finding] = []

    def back_home(step: Edge) -> bool:
        return step.target == path

    candidates = [e for e in added if _runs_at_import(e) and e.target not in existing]
    # An import the module already had cannot close a new cycle. With several to search,
    # first find the files that lead back to `path` at all (one walk), then search only those.
    within = reaching(graph, path, _runs_at_import) if len(candidates) > 1 else None
    for edge in candidates:
        chain = shortest_chain(graph, edge, back_home, _runs_at_import, within)
        if chain is None:
            continue
        members = frozenset(step.source for step in chain)
        if members in seen:
            continue
        seen.add(members)
        findings.append(_finding(graph, settings, path, chain))
    return findings


def _finding(
    graph: ImportGraph, settings: CheckSettings, path: str, chain: Sequence[Edge]
) -> Finding:
    cycle = render_chain(graph, chain)
    first = chain[0]
    closing = chain[-1]
    message = (
        f"importing `{first.module}` here closes an import cycle of {len(chain)} modules: {cycle}"
    )
    fix = (
        f"Break the cycle: move what both sides need into a module neither imports, or import "
        f"inside the function that needs it (or under `if TYPE_CHECKING:` for type hints); "
        f"the other edge to look at is {closing.source}:{closing.line}."
    )
    return make_finding(
        settings, path, first.line, first.column, message, fix, extra=(("cycle", cycle),)
    )
