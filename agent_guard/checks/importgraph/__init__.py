"""The part of a repository's import graph that a question needs, built lazily.

The architecture checks ask narrow questions about a change: "does this added import reach
the database component?", "does this added import close a cycle?". Answering them never
needs the whole graph, only the modules reachable from the added edges. So this module:

- maps module names to paths and back from the tree's path list alone (`ModuleIndex`:
  `src/` layouts, top-level packages, packages nested below a plain directory, namespace
  packages), without reading a file;
- reads and parses a module only when a search reaches it (`ImportGraph.records`), with a
  cheap extractor that visits statement bodies only (module level, if/try/with/for/while/
  match/class/def bodies) and never walks expressions;
- reads the files a breadth-first search has queued in one pipelined batch (`read_many`),
  not one cat-file round trip each;
- caches each blob's import list on disk by content (`agent_guard.engine.results.ResultStore`: one
  pack per run, not a file per blob), so a second run on a big repository parses almost
  nothing.

Graph nodes are repository paths, not module names: two names for one file (a namespace root
and a nested root) are still one node, and a file that does not exist is no node at all.

The package, along its seams: `modules` (names and paths), `scanner` (a module's imports),
`graph` (the lazy graph and its searches), `cache` (import lists kept across runs).
"""

from __future__ import annotations

from agent_guard.checks.importgraph.cache import CACHE_NAMESPACE, EXTRACTOR_VERSION, import_store
from agent_guard.checks.importgraph.graph import Edge, ImportGraph, reaching, shortest_chain
from agent_guard.checks.importgraph.modules import ModuleIndex, resolve_relative
from agent_guard.checks.importgraph.scanner import (
    RawImport,
    ScanFailed,
    extract_imports,
    git_blob_id,
    scan_imports,
)

__all__ = [
    "CACHE_NAMESPACE",
    "EXTRACTOR_VERSION",
    "Edge",
    "ImportGraph",
    "ModuleIndex",
    "RawImport",
    "ScanFailed",
    "extract_imports",
    "git_blob_id",
    "import_store",
    "reaching",
    "resolve_relative",
    "scan_imports",
    "shortest_chain",
]
