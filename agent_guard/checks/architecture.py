"""The architecture checks of one change: boundaries, new dependencies, import cycles.

The engine calls `check_architecture` once per change, after the single AST walk has given
it the import records of every changed Python file. Everything else the checks need is
read from `tree` (the new state: the index for a commit, the pushed commit for a push)
only when a search reaches it; nothing is parsed when the change adds no import.
(`llm-writes` is not here: it inspects calls, so it runs inside the AST walk.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from agent_guard.changes.model import (
    ChangedFile,
    ChangeSet,
    ObjectReader,
    Status,
    TreeEntry,
    TreeReader,
)
from agent_guard.checks import boundary, import_cycle, new_dependency
from agent_guard.checks.importgraph import Edge, ImportGraph, ModuleIndex, import_store
from agent_guard.checks.pysource import ImportRecord
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings, Policy

log = logging.getLogger(__name__)

SLUGS = ("boundary", "new-dependency", "import-cycle")


def check_architecture(
    changes: ChangeSet,
    policy: Policy,
    imports: Mapping[str, tuple[ImportRecord, ...]],
    tree: TreeReader | None,
    cache_dir: Path | None,
    *,
    objects: ObjectReader | None = None,
) -> list[Finding]:
    """Findings of boundary / new-dependency / import-cycle for the changed files.

    `imports` are the records of the changed Python files (from the AST walk; a file
    missing there is read and parsed here). `objects`, when given, lets new-dependency
    compare a changed dependency list with its old version, so a version bump is not a
    new dependency.
    """
    enabled = {slug: policy.checks[slug] for slug in SLUGS if slug in policy.checks}
    if not enabled:
        return []
    python = [
        f for f in changes.files if f.has_content and f.path.endswith(".py") and f.added_lines
    ]
    dependency_settings = enabled.get("new-dependency")
    manifests = [
        f
        for f in changes.files
        if dependency_settings is not None
        and f.has_content
        and f.added_lines
        and new_dependency.is_manifest(f.path)
        and dependency_settings.applies_to(f.path)
    ]
    if not python and not manifests:
        return []
    reader: TreeReader = tree if tree is not None else _ChangedFilesReader(changes, objects)
    paths = reader.paths()
    index = ModuleIndex(paths)
    cache = import_store(cache_dir)
    graph = ImportGraph(reader, index, cache, imports)
    try:
        return _check(changes, policy, objects, enabled, python, manifests, reader, graph)
    finally:
        graph.flush()


def _check(
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader | None,
    enabled: Mapping[str, CheckSettings],
    python: list[ChangedFile],
    manifests: list[ChangedFile],
    reader: TreeReader,
    graph: ImportGraph,
) -> list[Finding]:
    index, paths, cache = graph.index, reader.paths(), graph.cache
    dependency_settings = enabled.get("new-dependency")
    declared = new_dependency.DeclaredDependencies(reader, paths)
    seen_cycles: set[frozenset[str]] = set()
    findings: list[Finding] = []
    for changed in python:
        added: list[Edge] = []
        kept: list[Edge] = []
        for edge in graph.edges(changed.path):
            (added if edge.line in changed.added_lines else kept).append(edge)
        if not added:
            continue
        settings = enabled.get("boundary")
        if settings is not None and policy.boundaries and settings.applies_to(changed.path):
            findings += boundary.check_file(graph, settings, policy, changed.path, added)
        settings = enabled.get("import-cycle")
        if settings is not None and settings.applies_to(changed.path):
            findings += import_cycle.check_file(
                graph, settings, changed.path, added, kept, seen_cycles
            )
        settings = dependency_settings
        if settings is not None and settings.applies_to(changed.path):
            findings += new_dependency.check_imports(
                index, declared, settings, changes, changed.path, added
            )
    if dependency_settings is not None:
        for changed in manifests:
            new = reader.read(changed.path)
            if new is not None:
                old = _old_blob(changed, objects)
                findings += new_dependency.check_manifest(
                    dependency_settings, changes, changed.path, changed.added_lines, new, old
                )
    log.debug(
        "architecture: %d modules parsed, cache %d hits / %d misses",
        graph.parsed,
        cache.hits,
        cache.misses,
    )
    return findings


def _old_blob(changed: ChangedFile, objects: ObjectReader | None) -> bytes | None:
    if objects is None or changed.old_oid is None or changed.status is Status.ADDED:
        return None
    if set(changed.old_oid) == {"0"}:
        return None
    return objects.read_blob(changed.old_oid)


class _ChangedFilesReader:
    """A tree of only the changed files, for a caller that has no tree to give."""

    def __init__(self, changes: ChangeSet, objects: ObjectReader | None) -> None:
        self._files = {f.path: f for f in changes.files if f.has_content}
        self._objects = objects

    def paths(self) -> tuple[str, ...]:
        return tuple(self._files)

    def read(self, path: str) -> bytes | None:
        changed = self._files.get(path)
        if changed is None or changed.new_oid is None or self._objects is None:
            return None
        return self._objects.read_blob(changed.new_oid)

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        return {path: self.read(path) for path in paths}

    def entry(self, path: str) -> TreeEntry | None:
        """None: these few files are read whole anyway (ids come from their content)."""
        return None
