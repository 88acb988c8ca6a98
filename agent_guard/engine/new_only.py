"""The new-violations stage: of the walk's findings, keep those the change creates.

A finding on a changed line is old when the same checks on the file's previous blob (under
the new path, so the same checks apply) found one with the same fingerprint
(`checks.fingerprint`: check, enclosing name, normalised code, parts). Only files that
still have a finding after the line filter read their old blob, so a clean commit pays
nothing; an old blob that does not parse has no fingerprints, and everything stays. A
definition renamed in place, with no part its predecessor lacked, is not new
(`renamed_in_place`). What is still new is then matched against what went away from the
change's edited and deleted files (`_moved`): code moved to another module, or renamed as
the commit renames others, is not new either.

Its own module because it is a stage of its own, with its own reads (`_Texts`): the texts
it compares are streamed in one batch per step and dropped once compared, except those of
the files code may have moved from, which the move check reads again; memory stays with the
largest file, not with the size of the push.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from agent_guard.changes.model import ChangedFile, ChangeSet, ObjectReader, Status
from agent_guard.engine.cache import EngineOptions, RunCache
from agent_guard.engine.python_files import is_python_source
from agent_guard.engine.workers import Workers
from agent_guard.model import Finding
from agent_guard.policy.model import Policy

if TYPE_CHECKING:
    from agent_guard.checks.fingerprint import Definitions

log = logging.getLogger(__name__)

_EDITED = (Status.MODIFIED, Status.RENAMED, Status.COPIED, Status.TYPE_CHANGED)


class Run(NamedTuple):
    """What every step of the stage reads: the change, and the engine run's policy, object
    reader, options, caches and workers (in `python_unit.start`'s order, after the files)."""

    changes: ChangeSet
    policy: Policy
    objects: ObjectReader
    options: EngineOptions
    cache: RunCache
    workers: Workers


def walk_previous(findings: list[Finding], run: Run) -> Callable[[], object] | None:
    """Start walking the previous versions `new_only` will ask for on the workers (results
    land in the run cache when the returned call is made); None when there are none, or too
    few to share: `new_only` then walks them itself only if it needs them, and a decision
    it finds stored (a retried commit) needs none."""
    flagged = {f.path for f in findings if f.fingerprint is not None and not f.file_level}
    previous = _previous(run.changes, lambda file: file.path in flagged)
    if not previous or not run.workers.usable(len(previous)):
        return None
    from agent_guard.engine import python_unit

    return python_unit.start(previous, *run[1:])


def new_only(findings: list[Finding], run: Run) -> list[Finding]:
    """The findings the change creates, not those it only touches or moves (module doc).

    The decision is kept across runs (`ResultStore.get_new_only`), keyed by what it is made
    from, so a re-run on the same change (a commit retried, a re-push, a CI re-run) reads it.
    """
    if not any(f.fingerprint is not None and not f.file_level for f in findings):
        return findings
    store = run.cache.persistent(run.options, run.policy)
    key = _decision_key(run.changes, findings) if store.enabled else ""
    known = store.get_new_only(key) if key else None
    if known is None:
        dropped = _dropped(findings, run)
        known = frozenset(i for i, finding in enumerate(findings) if id(finding) in dropped)
        if key:
            store.put_new_only(key, known)
    if known:
        log.info("%d finding(s) the change only touched or moved: not new", len(known))
    return [finding for i, finding in enumerate(findings) if i not in known]


def _decision_key(changes: ChangeSet, findings: list[Finding]) -> str:
    """A digest of what the decision reads besides the policy (the store keys that): every
    changed file's path, status, modes and blob ids (moves come from any of them), and
    each finding, in order. Blob ids name content: the texts and walks behind them are
    fixed."""
    digest = hashlib.sha256()
    for file in sorted(changes.files, key=lambda file: file.path):
        row = (file.path, file.old_path, file.status.value, file.old_oid, file.new_oid,
               file.old_mode, file.new_mode, file.binary)  # fmt: skip
        digest.update(repr(row).encode("utf-8", "surrogateescape"))
    digest.update(b"\0findings\0")
    for f in findings:
        said = (f.path, f.check, f.line, f.column, f.file_level, f.fingerprint, f.source)
        digest.update(repr(said).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _dropped(findings: list[Finding], run: Run) -> set[int]:
    """The ids of the findings that are not new: old in their own file, renamed in place,
    or moved from another file (`_moved`)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fingerprint is not None and not finding.file_level:
            by_path.setdefault(finding.path, []).append(finding)
    from agent_guard.checks.fingerprint import Definitions, renamed_in_place, select_new

    new_oids = {file.path: file.new_oid or "" for file in run.changes.files}
    previous = _previous(run.changes, lambda file: file.path in by_path)
    walked = _walk(previous, run)
    texts = _Texts(run.objects)
    # A file's two texts are read as the loop reaches them (one batch) and dropped after:
    # a push flags hundreds of files, and only their definitions' names are compared here.
    blobs = texts.stream([oid for f, _ in walked for oid in (f.new_oid or "", new_oids[f.path])])
    dropped: set[int] = set()
    for file, result in walked:
        old_text, new_text = next(blobs), next(blobs)
        old = [f.fingerprint for f in result.findings if f.fingerprint is not None]
        # Counted over the whole new file: two `print(x)` where the old file had one leave
        # one new, the later one (which is what the line filter kept, if it was added).
        new_oid = new_oids[file.path]
        whole = run.cache.python[(new_oid, file.path)].findings
        ordered = sorted(
            (f for f in whole if f.fingerprint is not None), key=lambda f: (f.line, f.column)
        )
        new = {(f.check, f.line, f.column) for f in select_new(
            [(f, f.fingerprint or "") for f in ordered], old
        )}  # fmt: skip
        was, now = Definitions(old_text or b""), Definitions(new_text or b"")
        renamed = renamed_in_place(result.findings, ordered, was, now)
        new -= {(f.check, f.line, f.column) for f in renamed}
        dropped.update(id(f) for f in by_path[file.path] if (f.check, f.line, f.column) not in new)
    remaining = [f for found in by_path.values() for f in found if id(f) not in dropped]
    if remaining:
        dropped.update(_moved(remaining, run, texts))
    return dropped


def _moved(remaining: list[Finding], run: Run, texts: _Texts) -> set[int]:
    """The ids of the `remaining` findings that the change carried from another place: each
    of their parts went away from a file the change edits or deletes (`checks.fingerprint.
    not_moved`). What went away from a file is what its old version had and its new one
    has not, compared on what the findings say (`moved_keys`), not where."""
    from agent_guard.checks.fingerprint import move_sources, moved_keys, not_moved

    gone: list[Finding] = []
    new_oids = {file.path: file.new_oid for file in run.changes.files}
    everything = _previous(run.changes, lambda _: True)
    # Streamed: on a push most edited files are no source, and their texts are not kept.
    blobs = texts.stream([oid for f in everything for oid in (f.new_oid, new_oids[f.path]) if oid])

    def with_texts() -> Iterator[tuple[ChangedFile, bytes | None, bytes | None]]:
        for file in everything:
            old = next(blobs) if file.new_oid else None
            new = next(blobs) if new_oids[file.path] else b""  # deleted: every line lost
            yield file, old, new

    sources = move_sources(remaining, with_texts())
    for file, old, new in sources:
        texts.keep(file.new_oid, old)
        texts.keep(new_oids[file.path], new)
    walked = _walk([file for file, _, _ in sources], run)
    for file, result in walked:
        new_oid = new_oids.get(file.path)
        now = run.cache.python.get((new_oid, file.path)) if new_oid else None
        still = Counter(key for f in (now.findings if now else ()) for key in moved_keys(f))
        # Moved away means its definition left the file; one still there was fixed in place.
        # Both texts' definitions are read only for a file that lost a finding.
        defined: tuple[Definitions, set[str]] | None = None
        for finding in result.findings:
            keys = moved_keys(finding)
            if any(still[key] <= 0 for key in keys):
                if defined is None:
                    now_defined = texts.definitions(new_oid).qualified.values()
                    defined = (texts.definitions(file.new_oid), set(now_defined))
                owner = defined[0].enclosing(finding.line)
                if owner is None or owner not in defined[1]:
                    gone.append(finding)
            still.subtract(keys)
    if not gone:
        return set()
    kept = {id(f) for f in not_moved(remaining, gone)}
    return {id(f) for f in remaining if id(f) not in kept}


class _Texts:
    """The blobs the stage compares, streamed in one pipelined batch per step; those `keep`
    names (the move sources) are held, with their definitions indexed once. A blob over the
    size limit has no text (None; nothing pairs with it) and no definitions."""

    def __init__(self, objects: ObjectReader) -> None:
        self._objects = objects
        self._texts: dict[str, bytes | None] = {}
        self._definitions: dict[str, Definitions] = {}

    def stream(self, oids: list[str]) -> Iterator[bytes | None]:
        """The text of each of `oids` in order, kept ones from the store, the others read in
        one batch and not kept (`keep` what is needed later)."""
        unread = self._objects.read_blobs(oid for oid in oids if oid not in self._texts)
        for oid in oids:
            yield self._texts[oid] if oid in self._texts else next(unread)[1]

    def keep(self, oid: str | None, text: bytes | None) -> None:
        if oid:
            self._texts.setdefault(oid, text)

    def text(self, oid: str | None) -> bytes | None:
        if not oid:
            return None
        if oid not in self._texts:
            self._texts[oid] = next(self.stream([oid]))
        return self._texts[oid]

    def definitions(self, oid: str | None) -> Definitions:
        from agent_guard.checks.fingerprint import Definitions

        key = oid or ""
        found = self._definitions.get(key)
        if found is None:
            found = self._definitions[key] = Definitions(self.text(oid) or b"")
        return found


def _previous(changes: ChangeSet, wanted: Callable[[ChangedFile], bool]) -> list[ChangedFile]:
    """The old blobs of the edited and deleted Python files `wanted` picks, as files to walk
    (under their new path, so the same checks apply)."""
    return [
        old
        for file in changes.files
        if file.status in _EDITED or file.status is Status.DELETED
        if file.old_oid and set(file.old_oid) != {"0"} and wanted(file)
        for old in [file._replace(status=Status.MODIFIED, new_oid=file.old_oid, old_oid=None)]
        if is_python_source(old)
    ]


def _walk(files: list[ChangedFile], run: Run) -> list[tuple[ChangedFile, Any]]:
    """The walk of `files` on the run's worker pool (blobs the run walked already come from
    the run cache)."""
    if not files:
        return []
    from agent_guard.engine import python_unit

    return list(python_unit.start(files, *run[1:])())
