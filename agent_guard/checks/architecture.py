"""The imports unit: the import graph of one change, for checks of unit `imports`.

The engine calls `run_imports` once per change, after the single AST walk has given it the
import records of every changed Python file, with the enabled checks of unit `imports`
(boundary, new-dependency, import-cycle, ...). The unit (`ImportsUnit`) reads everything
else from `tree` (the new state: the index for a commit, the pushed commit for a push) only
when a search reaches it: the graph is built on first use, so nothing is parsed when no
check asks. (`llm-writes` is not here: it inspects calls, so it runs inside the AST walk.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from agent_guard.changes.model import (
    ChangedFile,
    ChangeSet,
    ObjectReader,
    Status,
    TreeEntry,
    TreeReader,
)
from agent_guard.checks.base import Context, run_checks
from agent_guard.checks.importgraph import Edge, ImportGraph, ModuleIndex, import_store
from agent_guard.checks.pysource import ImportRecord
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

log = logging.getLogger(__name__)


class ImportsUnit:
    """What an imports check reads: the change, its Python files' edges, the graph.

    `python` are the changed Python files with added lines (the only ones an added import
    can be in); `edges(file)` splits a file's imports into those on added lines and those
    the change kept; `old_blob(file)` reads a file's previous version (a version bump in a
    dependency list is not a new dependency).
    """

    def __init__(
        self,
        changes: ChangeSet,
        imports: Mapping[str, tuple[ImportRecord, ...]],
        context: Context,
    ) -> None:
        self.changes = changes
        self._imports = imports
        self._tree = context.tree
        self._objects = context.objects
        self._cache_dir = context.cache_dir
        self.python = [
            f for f in changes.files if f.has_content and f.path.endswith(".py") and f.added_lines
        ]
        self._edges: dict[str, tuple[list[Edge], list[Edge]]] = {}

    @cached_property
    def reader(self) -> TreeReader:
        if self._tree is not None:
            return self._tree
        return _ChangedFilesReader(self.changes, self._objects)

    @cached_property
    def paths(self) -> tuple[str, ...]:
        return self.reader.paths()

    @cached_property
    def graph(self) -> ImportGraph:
        index = ModuleIndex(self.paths)
        return ImportGraph(self.reader, index, import_store(self._cache_dir), self._imports)

    @property
    def index(self) -> ModuleIndex:
        return self.graph.index

    def edges(self, file: ChangedFile) -> tuple[list[Edge], list[Edge]]:
        """(edges on lines the change added, edges it kept) of one changed Python file."""
        split = self._edges.get(file.path)
        if split is None:
            added: list[Edge] = []
            kept: list[Edge] = []
            for edge in self.graph.edges(file.path):
                (added if edge.line in file.added_lines else kept).append(edge)
            split = self._edges[file.path] = (added, kept)
        return split

    def old_blob(self, file: ChangedFile) -> bytes | None:
        if self._objects is None or file.old_oid is None or file.status is Status.ADDED:
            return None
        if set(file.old_oid) == {"0"}:
            return None
        return self._objects.read_blob(file.old_oid)

    def close(self) -> None:
        """Write what the graph learnt to the import cache (when it was built)."""
        if "graph" in self.__dict__:
            graph = self.graph
            graph.flush()
            log.debug(
                "imports: %d modules parsed, cache %d hits / %d misses",
                graph.parsed,
                graph.cache.hits,
                graph.cache.misses,
            )


def run_imports(
    group: Sequence[CheckSettings],
    imports: Mapping[str, tuple[ImportRecord, ...]],
    context: Context,
) -> list[Finding]:
    """Findings of every check of unit `imports` in `group` for the change of `context`.

    `imports` are the records of the changed Python files (from the AST walk; a file
    missing there is read and parsed when a search reaches it).
    """
    unit = ImportsUnit(context.changes, imports, context)
    try:
        return run_checks(group, unit, context)
    finally:
        unit.close()


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
