"""What one engine run remembers, and how it reads blobs.

`RunCache` holds per-blob results within one run (the same blob in two commits or two refs
is checked once; pass one cache to every ChangeSet of a push) and opens the store kept
across runs (`results.ResultStore`) on first use. `read_blobs` is the one way the unit
runners read many blobs: pipelined in one batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from agent_guard.changes.model import ObjectReader
from agent_guard.model import Finding
from agent_guard.policy.model import Policy

if TYPE_CHECKING:
    from agent_guard.checks.python import BlobResult
    from agent_guard.engine.results import ResultStore
    from agent_guard.verdict.suppressions import MaySuppress, Suppression


class EngineOptions(NamedTuple):
    """How to run: `all_lines` reports whole files; `cache_dir` is for cross-file caches."""

    all_lines: bool = False
    cache_dir: Path | None = None
    # Who may suppress what (`suppressions.MaySuppress`); None: the default. The server
    # passes its own: a suppression the push adds counts only in an approved commit.
    may_suppress: MaySuppress | None = None


ContentKey = tuple[str, str, str, AbstractSet[int] | None]  # check, blob id, path, lines


@dataclass(slots=True)
class RunCache:
    """Per-blob results within one run; pass the same cache to every ChangeSet of a push."""

    python: dict[tuple[str, str], BlobResult] = field(default_factory=dict)
    content: dict[ContentKey, list[Finding]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)  # blob id -> source lines
    # Blobs with a lone CR: Python counts it as a line break, git does not, so git's added
    # line numbers do not apply to the AST's lines (every finding is kept by the filter).
    lone_cr: set[str] = field(default_factory=set)
    # Inline suppressions per blob id, for the suppression stage.
    suppressions: dict[str, Mapping[int, Suppression]] = field(default_factory=dict)
    # Results kept across runs (results.py), opened on first use for the run's policy.
    store: ResultStore | None = None

    def persistent(self, options: EngineOptions, policy: Policy) -> ResultStore:
        if self.store is None:
            from agent_guard.engine.results import ResultStore

            self.store = ResultStore(options.cache_dir, policy.fingerprint)
        return self.store

    def flush(self) -> None:
        """Write the results of the run to the store kept across runs (once, at the end)."""
        if self.store is not None:
            self.store.flush()


def read_blobs(
    objects: ObjectReader, oids: Sequence[str]
) -> Iterator[tuple[str, bytes | None, int]]:
    """(oid, content or None when too large, size), pipelined in one batch."""
    yield from objects.read_blobs(oids)
