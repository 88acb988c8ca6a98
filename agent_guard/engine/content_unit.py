"""The content unit: each changed blob's raw bytes, for checks that read any file (secrets).

Per commit for ranges and pushes (history keeps what a later commit removes), on the lines
the change added (all of them for `--all-lines`, and for a file git calls binary: it has no
hunks). Blobs are read in pipelined batches; results are cached per (check, blob, path,
lines, status) within the run and across runs; a push's many blobs are shared with forked
workers, each reading through its own cat-file.

Commit and annotated-tag messages are content too: a token pasted into a message is in
history exactly like one in a file. Each commit of the change, and each annotated tag a
pushed ref points to (tags of tags included), is handed to the content checks as a
pseudo-blob (`message_units`): a ChangedFile with an empty path (no real file can have
one, so no file's suppressions or name rules apply to it), messages joined in batches (see
`_check_messages`), every line checked. Results are cached by the commit or tag id: an
object id names its message forever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from agent_guard.changes.git import BlobTooLarge
from agent_guard.changes.model import ChangedFile, ChangeSet, Status
from agent_guard.checks.base import ContentUnit, Context, check_of
from agent_guard.checks.registry import BY_SLUG
from agent_guard.engine.cache import ContentKey, EngineOptions, RunCache, read_blobs
from agent_guard.engine.workers import Workers, drop_worker_reader, inherited_policy, worker_reader
from agent_guard.errors import GitError
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

if TYPE_CHECKING:
    from agent_guard.engine.results import ResultStore

log = logging.getLogger(__name__)

CHUNK = 32  # blobs per worker task
Commit = str | None
Units = Sequence[tuple[Commit, tuple[ChangedFile, ...]]]
Task = list[tuple[str, list[tuple[ContentKey, ChangedFile]]]]  # blob id, the keys to check


def scannable(file: ChangedFile) -> bool:
    """A new regular-file blob: text, or binary by git's verdict (content decides)."""
    return (
        file.new_oid is not None
        and file.status is not Status.DELETED
        and not file.is_symlink
        and not file.is_submodule
    )


def _key(settings: CheckSettings, file: ChangedFile, lines: AbstractSet[int] | None) -> ContentKey:
    # The status and old path are part of what a check sees (a file added under a name
    # that says "credentials" is a finding; the same blob modified later is not).
    where = f"{file.path}\0{file.status}\0{file.old_path or ''}"
    return (settings.slug, file.new_oid or "", where, lines)


def run(
    group: Sequence[CheckSettings],
    units: Units,
    context: Context,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> list[Finding]:
    """Every content check of `group` on every changed blob of every unit (commit)."""
    store = cache.persistent(options, context.policy)
    findings: list[Finding] = []
    wanted: dict[str, list[tuple[Commit, ContentKey, ChangedFile]]] = {}
    for commit, files in units:
        for file in files:
            if not scannable(file):
                continue
            assert file.new_oid is not None
            lines = None if options.all_lines or file.binary else file.added_lines
            for settings in group:
                if not settings.applies_to(file.path):
                    continue
                key = _key(settings, file, lines)
                if key not in cache.content:
                    stored = store.get_secrets(key[1], f"{key[0]}\0{key[2]}", key[3])
                    if stored is None:
                        wanted.setdefault(file.new_oid, []).append((commit, key, file))
                        continue
                    cache.content[key] = list(stored)
                findings += [found._replace(commit=commit) for found in cache.content[key]]
    findings += _check_messages(group, context, cache, store)
    keys = {
        oid: list({key: (key, file) for _, key, file in items}.values())
        for oid, items in wanted.items()
    }
    checked = _check_blobs(list(keys.items()), context, workers)
    for items in wanted.values():
        for commit, key, _file in items:
            if key not in checked:
                continue  # too large to read
            if key not in cache.content:
                cache.content[key] = checked[key]
                store.put_secrets(key[1], f"{key[0]}\0{key[2]}", key[3], tuple(checked[key]))
            findings += [found._replace(commit=commit) for found in cache.content[key]]
    return findings


MESSAGE_PATH = ""  # the path of a message's pseudo-blob: no file in a tree has it
_MAX_TAG_DEPTH = 32  # tags of tags of ... (git's own peel limit is lower)


def message_units(context: Context) -> list[tuple[str, bytes]]:
    """(object id, message) of each commit of the change and each annotated tag it pushes."""
    changes = context.changes
    found = [(change.commit.oid, change.commit.message.encode()) for change in changes.commits]
    ref = changes.ref
    if changes.kind == "push" and ref is not None and not ref.deleted and ref.new != changes.tree:
        found += _tag_messages(context, ref.new)
    return found


def _tag_messages(context: Context, oid: str) -> list[tuple[str, bytes]]:
    """The messages of the tag `oid` and of every tag it points to (an object read as raw
    bytes through the reader: a tag is a few hundred bytes)."""
    found: list[tuple[str, bytes]] = []
    for _ in range(_MAX_TAG_DEPTH):
        try:
            data = context.objects.read_blob(oid)
        except (GitError, BlobTooLarge) as error:
            log.warning("cannot read tag %s to scan its message: %s", oid, error)
            return found
        head, _, message = data.partition(b"\n\n")
        fields = dict(line.split(b" ", 1) for line in head.split(b"\n") if b" " in line)
        if not head.startswith(b"object ") or b"tag" not in fields:
            return found  # a commit: its message is a commit unit's
        found.append((oid, message))
        if fields.get(b"type") != b"tag":
            return found
        oid = fields[b"object"].decode("ascii", "replace")
    return found


MESSAGE_BATCH = 1 << 18  # bytes of messages checked as one pseudo-blob
MESSAGE_GAP = 7  # blank lines between two messages of a batch: no context crosses them


def _check_messages(
    group: Sequence[CheckSettings], context: Context, cache: RunCache, store: ResultStore
) -> list[Finding]:
    """Every content check on every commit and tag message of the change.

    A push of 50,000 commits has 50,000 short messages: checking each alone costs a check
    call each (~100 us). So the messages not cached yet are joined into batches of about
    MESSAGE_BATCH bytes, MESSAGE_GAP blank lines apart (further than any check looks for
    context), checked once per batch, and the findings mapped back to (message, line).
    """
    findings: list[Finding] = []
    units = message_units(context)
    for settings in group:
        where = f"{settings.slug}\0\0message"
        todo: list[tuple[str, bytes]] = []
        for oid, message in units:
            key: ContentKey = (settings.slug, oid, "\0message", None)
            if key not in cache.content:
                stored = store.get_secrets(oid, where, None)
                if stored is None:
                    todo.append((oid, message))
                    continue
                cache.content[key] = list(stored)
        checked: dict[str, list[Finding]] = {oid: [] for oid, _ in todo}
        for batch in _batches(todo):
            for oid, found in _check_batch(settings, batch, context):
                checked[oid].append(found)
        for oid, found_in in checked.items():
            cache.content[(settings.slug, oid, "\0message", None)] = found_in
            store.put_secrets(oid, where, None, tuple(found_in))
        for oid, _ in units:
            found_here = cache.content[(settings.slug, oid, "\0message", None)]
            findings += [found._replace(commit=oid) for found in found_here]
    return findings


def _batches(messages: Sequence[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    batch: list[tuple[str, bytes]] = []
    size = 0
    for oid, message in messages:
        batch.append((oid, message))
        size += len(message)
        if size >= MESSAGE_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _check_batch(
    settings: CheckSettings, batch: Sequence[tuple[str, bytes]], context: Context
) -> Iterator[tuple[str, Finding]]:
    """(message id, finding with the message's own line) for one batch of messages."""
    where: list[tuple[str, int]] = []  # per line of the batch: (message id, its line)
    parts: list[bytes] = []
    gap = [("", 0)] * MESSAGE_GAP
    for oid, message in batch:
        # A NUL would make a check take the message for binary data and skip it.
        lines = message.replace(b"\0", b" ").split(b"\n")
        parts.append(b"\n".join(lines) + b"\n" * (MESSAGE_GAP + 1))
        where += [(oid, number) for number in range(1, len(lines) + 1)] + gap
    file = ChangedFile(MESSAGE_PATH, Status.ADDED, new_oid=batch[0][0])
    key: ContentKey = (settings.slug, batch[0][0], "\0message", None)
    for found in _run_one(key, ContentUnit(file, None, b"".join(parts), None), context):
        oid, line = where[found.line - 1] if 1 <= found.line <= len(where) else ("", 0)
        if oid:
            yield oid, found._replace(line=line)


def _check_blobs(task: Task, context: Context, workers: Workers) -> dict[ContentKey, list[Finding]]:
    if not workers.usable(len(task)):
        return _check_task(task, context)
    tasks = [task[start : start + CHUNK] for start in range(0, len(task), CHUNK)]

    def local(part: Task) -> dict[ContentKey, list[Finding]]:
        return _check_task(part, context)

    checked: dict[ContentKey, list[Finding]] = {}
    for part in workers.share(_worker, tasks, local)():
        checked.update(part)
    return checked


def _check_task(task: Task, context: Context) -> dict[ContentKey, list[Finding]]:
    checked: dict[ContentKey, list[Finding]] = {}
    by_oid = dict(task)
    large: list[str] = []
    for oid, data, _size in read_blobs(context.objects, list(by_oid)):
        if data is None:
            large.append(oid)
            continue
        for key, file in by_oid[oid]:
            checked[key] = _run_one(key, ContentUnit(file, None, data, key[3]), context)
    for oid in large:  # after the batch: the reader serves one request stream at a time
        checked.update(_check_large(oid, by_oid[oid], context))
    return checked


def _run_one(key: ContentKey, unit: ContentUnit, context: Context) -> list[Finding]:
    settings = context.policy.checks[key[0]]
    check = check_of(BY_SLUG[settings.slug])
    return list(check.run(unit, context._replace(settings=settings)))


# -- blobs over the reader's size limit: streamed in segments ------------------------------

SEGMENT = 1 << 18  # bytes of lines a segment owns (a scan holds ~15x this: lines, text, sets)
CONTEXT_LINES = 8  # lines shown on each side of a segment's own lines (key bodies, AWS pairs)
LINE_CUT = 1 << 16  # a longer line is cut into pieces this long (overlapping by CUT_OVERLAP)
CUT_OVERLAP = 1 << 12  # so a token across a cut is whole in one piece


@runtime_checkable
class BlobStreamer(Protocol):
    """A reader that can stream a blob of any size (`BatchObjectReader.stream_blob`)."""

    def stream_blob(self, oid: str, chunk_size: int = ...) -> Iterator[bytes]: ...


Line = tuple[int, bytes]  # (1-based line number in the blob, the line with its newline)


def _check_large(
    oid: str, items: Sequence[tuple[ContentKey, ChangedFile]], context: Context
) -> dict[ContentKey, list[Finding]]:
    """Content checks on a blob too large to hold, one segment at a time (bounded memory).

    Each segment holds about SEGMENT bytes of lines it owns, plus CONTEXT_LINES lines on
    each side; a check sees only the owned lines as lines to check, and its findings' line
    numbers are mapped back to the blob's.
    """
    objects = context.objects
    if not isinstance(objects, BlobStreamer):
        log.warning("%s: too large to read and the reader cannot stream it: not scanned", oid)
        return {}
    checked: dict[ContentKey, list[Finding]] = {key: [] for key, _ in items}
    for numbers, data, owned in _segments(objects.stream_blob(oid)):
        for key, file in items:
            wanted = key[3]
            local = frozenset(
                index + 1
                for index, number in enumerate(numbers)
                if index in owned and (wanted is None or number in wanted)
            )
            if not local:
                continue
            found = _run_one(key, ContentUnit(file, None, data, local), context)
            # A finding on a context line is its own segment's (a file-name finding on line
            # 1 is the first segment's): keep each once.
            checked[key] += [
                f._replace(line=numbers[f.line - 1]) for f in found if f.line - 1 in owned
            ]
    return checked


def _segments(chunks: Iterable[bytes]) -> Iterator[tuple[list[int], bytes, range]]:
    """(line numbers, bytes, indexes of the owned lines) of each segment of a stream."""
    window: list[Line] = []  # context before, then owned lines, then lines still coming
    before = 0  # how many lines at the start of `window` are context (already owned)
    size = 0  # bytes of `window` past the context
    for line in _lines(chunks):
        window.append(line)
        size += len(line[1])
        # Enough owned bytes, and lines beyond them for context (a line is at most
        # LINE_CUT + 1 bytes, so the first test alone also means more than 2 * CONTEXT_LINES).
        if size >= SEGMENT + 2 * CONTEXT_LINES * (LINE_CUT + 1) or (
            size >= SEGMENT and len(window) - before > 2 * CONTEXT_LINES
        ):
            end = len(window) - CONTEXT_LINES  # the last CONTEXT_LINES lines come later
            yield _segment(window, range(before, end))
            window = window[end - CONTEXT_LINES :]
            before = CONTEXT_LINES
            size = sum(len(data) for _, data in window[before:])
    if len(window) > before:
        yield _segment(window, range(before, len(window)))


def _segment(window: list[Line], owned: range) -> tuple[list[int], bytes, range]:
    return [number for number, _ in window], b"".join(data for _, data in window), owned


def _lines(chunks: Iterable[bytes]) -> Iterator[Line]:
    """The lines of a stream with their numbers; a line over LINE_CUT comes in pieces that
    overlap by CUT_OVERLAP, each ended by a newline and all with the line's number."""
    number = 1
    rest = b""
    for chunk in chunks:
        rest += chunk
        start = 0
        while True:
            end = rest.find(b"\n", start)
            if end < 0:
                break
            yield from _pieces(number, rest[start : end + 1])
            number += 1
            start = end + 1
        rest = rest[start:]
        while len(rest) > LINE_CUT:
            yield number, rest[:LINE_CUT] + b"\n"
            rest = rest[LINE_CUT - CUT_OVERLAP :]
    if rest:
        yield number, rest + b"\n"


def _pieces(number: int, line: bytes) -> Iterator[Line]:
    while len(line) > LINE_CUT:
        yield number, line[:LINE_CUT] + b"\n"
        line = line[LINE_CUT - CUT_OVERLAP :]
    yield number, line


def _worker(task: Task) -> dict[ContentKey, list[Finding]] | None:
    """A worker's share; None (the parent does it) when it cannot read blobs.

    Content checks read only their unit, settings, policy and objects: the worker's context
    has those (a task crosses a pipe; the parent's change and readers stay in the parent).
    """
    reader = worker_reader()
    if reader is None:
        return None
    policy = inherited_policy()
    settings = next(iter(policy.checks.values()))
    context = Context(settings, policy, ChangeSet("push", ()), reader)
    try:
        return _check_task(task, context)
    except (GitError, OSError) as error:
        log.debug("worker cannot read blobs (%s): the parent checks them", error)
        drop_worker_reader()
        return None
