"""boundary (AG201): an added import that crosses a forbidden component boundary.

What it does
    For every import a change adds to a module of component X, checks whether the imported
    module belongs to a component Y that a boundary forbids X to reach: "WhatsApp never talks
    to DB directly". Boundaries come from the config's `boundaries`, or are drawn from rule
    sentences whose two sides map to components (policy/components.py). The importing file
    belongs to X by `components.X.paths`; the imported name belongs to Y by a
    `components.Y.modules` prefix
    (external packages such as `sqlalchemy` too) or, for a first-party module, by its file
    matching `components.Y.paths`. Relative imports are resolved; imports under
    `if TYPE_CHECKING:` do not count.

    Unless the boundary says `indirect: false`, it also follows the added import through
    first-party modules (as import-linter does by default) and reports the shortest chain
    `a -> b -> c` that ends in Y, with each link's file and line.

Why is this bad
    A boundary keeps a part of the system replaceable and its failure contained. When the
    messaging adapter reaches into the database, a change of schema breaks message handling,
    and the adapter can now write data that no service validated.

Example
    ```python
    # app/whatsapp/handler.py   (component "whatsapp"; boundary whatsapp -> db)
    from app.db.session import SessionLocal
    ```

Fix
    Call the layer the rules allow (a service that owns the database access) instead:
    ```python
    from app.services.messages import record_message
    ```
    For an indirect chain, break the link that makes the intermediate module reach Y, or
    move the import out of X.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from agent_guard.checks.base import Context, Unit, make_finding
from agent_guard.checks.importgraph import Edge, ImportGraph, shortest_chain
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.model import Boundary, CheckSettings, Component, Policy

if TYPE_CHECKING:
    from agent_guard.checks.architecture import ImportsUnit

OPTIONS: tuple[Option[object], ...] = ()


class BoundaryCheck:
    """Each import a change adds, against every boundary drawn from its file's component."""

    unit = Unit.IMPORTS

    def run(self, unit: ImportsUnit, context: Context) -> list[Finding]:
        policy, settings = context.policy, context.settings
        if not policy.boundaries:
            return []
        findings: list[Finding] = []
        for changed in unit.python:
            if not settings.applies_to(changed.path):
                continue
            added, _kept = unit.edges(changed)
            if added:
                findings += check_file(unit.graph, settings, policy, changed.path, added)
        return findings


CHECK = BoundaryCheck()


def component_has(component: Component, edge: Edge) -> bool:
    """True when the module `edge` imports belongs to `component` (by name or by file)."""
    if edge.target is not None and component.paths.matches(edge.target):
        return True
    return any(
        edge.module == prefix or edge.module.startswith(prefix + ".")
        for prefix in component.modules
    )


def render_chain(graph: ImportGraph, chain: Sequence[Edge]) -> str:
    """`a -> b (a.py:3) -> c (b.py:7)`: each module, and where the import into it is."""
    parts = [graph.index.module_name(chain[0].source)]
    parts.extend(f"{edge.module} ({edge.source}:{edge.line})" for edge in chain)
    return " -> ".join(parts)


def check_file(
    graph: ImportGraph,
    settings: CheckSettings,
    policy: Policy,
    path: str,
    added: Sequence[Edge],
) -> list[Finding]:
    """Findings for the imports `added` to `path` (edges the change added)."""
    findings: list[Finding] = []
    for boundary in policy.boundaries:
        source = policy.components.get(boundary.source)
        target = policy.components.get(boundary.target)
        if source is None or target is None or not source.paths.matches(path):
            continue
        findings.extend(_check_boundary(graph, settings, boundary, source, target, path, added))
    return findings


def _check_boundary(
    graph: ImportGraph,
    settings: CheckSettings,
    boundary: Boundary,
    source: Component,
    target: Component,
    path: str,
    added: Sequence[Edge],
) -> list[Finding]:
    def reaches_target(edge: Edge) -> bool:
        return component_has(target, edge)

    def follow(edge: Edge) -> bool:
        # TYPE_CHECKING imports never run; a module of X is X's own business.
        if edge.type_checking:
            return False
        return edge.target is None or not source.paths.matches(edge.target)

    findings: list[Finding] = []
    reported_indirect = False
    for edge in added:
        if edge.type_checking:
            continue
        if reaches_target(edge):
            findings.append(_finding(graph, settings, boundary, path, [edge]))
            continue
        if not boundary.indirect or reported_indirect or edge.target is None:
            continue
        if source.paths.matches(edge.target):
            continue
        chain = shortest_chain(graph, edge, reaches_target, follow)
        if chain is not None:
            # One chain per file and boundary: the shortest names the link to break.
            findings.append(_finding(graph, settings, boundary, path, chain))
            reported_indirect = True
    return findings


def _finding(
    graph: ImportGraph,
    settings: CheckSettings,
    boundary: Boundary,
    path: str,
    chain: Sequence[Edge],
) -> Finding:
    first, last = chain[0], chain[-1]
    forbidden = f"{boundary.source} -> {boundary.target}"
    if len(chain) == 1:
        message = (
            f"`{first.module}` belongs to component `{boundary.target}`; "
            f"this module is in `{boundary.source}`, and the rules forbid {forbidden}"
        )
        fix = (
            f"Do not import `{boundary.target}` from `{boundary.source}`: call the layer "
            "that owns that access (e.g. a service) instead."
        )
    else:
        message = (
            f"this import makes `{boundary.source}` reach `{boundary.target}` indirectly, "
            f"which the rules forbid ({forbidden}): {render_chain(graph, chain)}"
        )
        fix = (
            f"Break a link of the chain (e.g. `{last.source}:{last.line}` importing "
            f"`{last.module}`), or do not import `{first.module}` here."
        )
    finding = make_finding(
        settings,
        path,
        first.line,
        first.column,
        message,
        fix,
        extra=(
            ("boundary", forbidden),
            ("chain", render_chain(graph, chain)),
        ),
    )
    rule = boundary.rule or settings.rule
    return finding._replace(rule=rule) if rule is not finding.rule else finding
