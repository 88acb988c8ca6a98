"""The Python unit: each changed Python file parsed once and walked once.

All checks of unit `python` run in the single walk (`checks.python.check_blob`); the walk
also records the file's imports for the checks of unit `imports` and its suppression
comments for the suppression stage. Imported only when a change has a Python file to check (it
imports the walker). Results are cached per blob within the run and across
runs (`results.py`); blobs are read in one pipelined batch, each as it is walked; on a
push, the many files are read and walked by forked workers (`workers.py`), each through its
own cat-file, while this process runs the other units.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from agent_guard.changes.model import ChangedFile, ObjectReader
from agent_guard.checks.python import BlobResult, check_blob, too_large
from agent_guard.checks.registry import BY_SLUG, Unit
from agent_guard.engine.cache import EngineOptions, RunCache, read_blobs
from agent_guard.engine.workers import Workers, drop_worker_reader, inherited_policy, worker_reader
from agent_guard.errors import GitError
from agent_guard.policy.model import Policy

log = logging.getLogger(__name__)

WORKER_CHUNK = 2  # blobs per task: small, so the tail of the work is shared evenly

Results = Callable[[], list[tuple[ChangedFile, BlobResult]]]
Task = list[tuple[str, list[ChangedFile]]]  # blob id, the files it is walked as


def in_scope(file: ChangedFile, policy: Policy) -> bool:
    """True when a check that needs the walk (its findings or its imports) covers `file`."""
    for slug, settings in policy.checks.items():
        info = BY_SLUG.get(slug)
        walked = info is not None and info.unit in (Unit.PYTHON, Unit.IMPORTS)
        if walked and settings.applies_to(file.path):
            return True
    return False


def start(
    files: Sequence[ChangedFile],
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> Results:
    """Begin checking `files`; returns a call that waits for (file, result) of each.

    The results may be computing in worker processes meanwhile.
    """
    store = cache.persistent(options, policy)
    results: dict[tuple[str, str], BlobResult] = {}
    missing: dict[str, list[ChangedFile]] = {}
    for file in files:
        assert file.new_oid is not None
        key = (file.new_oid, file.path)
        if key in cache.python:
            results[key] = cache.python[key]
        elif not in_scope(file, policy):
            results[key] = cache.python[key] = BlobResult((), None, False)
        elif (stored := store.get_python(*key)) is not None:
            results[key] = _remember(cache, file, stored)
        else:
            missing.setdefault(file.new_oid, []).append(file)
    pending = _check_many(list(missing.items()), policy, objects, workers)

    def finish() -> list[tuple[ChangedFile, BlobResult]]:
        for file, checked in pending():
            assert file.new_oid is not None
            results[(file.new_oid, file.path)] = _remember(cache, file, checked)
            store.put_python(file.new_oid, file.path, checked)
        return [(file, results[(file.new_oid or "", file.path)]) for file in files]

    return finish


def _remember(cache: RunCache, file: ChangedFile, result: BlobResult) -> BlobResult:
    assert file.new_oid is not None
    cache.python[(file.new_oid, file.path)] = result
    if result.lone_cr:
        cache.lone_cr.add(file.new_oid)
    if result.suppressions:
        cache.suppressions[file.new_oid] = {s.line: s for s in result.suppressions}
    return result


def _check_many(
    task: Task, policy: Policy, objects: ObjectReader, workers: Workers
) -> Callable[[], list[tuple[ChangedFile, BlobResult]]]:
    """Read and walk the blobs of `task`; returns a call that waits for their results.

    Each blob is read as it is walked, so no process holds a push's blobs: here, when the
    results are asked for, one at a time; on a push, in the forked workers (`Workers`),
    each through its own cat-file, so only blob ids cross the pipe (as in the content unit).
    Held for the run, they were 27 MiB of a 1,000-commit sympy push's main process.
    """
    if not workers.usable(sum(len(files) for _, files in task)):
        return lambda: _read_and_check(task, objects, policy)
    chunks = [task[start : start + WORKER_CHUNK] for start in range(0, len(task), WORKER_CHUNK)]

    def local(chunk: Task) -> list[tuple[ChangedFile, BlobResult]]:
        return _read_and_check(chunk, objects, policy)

    pending = workers.share(_worker, chunks, local)
    return lambda: [checked for chunk in pending() for checked in chunk]


def _read_and_check(
    task: Task, objects: ObjectReader, policy: Policy
) -> list[tuple[ChangedFile, BlobResult]]:
    """Each file of `task` walked, its blob read in one pipelined batch; a blob over the
    reader's size limit is not read (`too_large`: it needs an approver)."""
    by_oid = dict(task)
    checked: list[tuple[ChangedFile, BlobResult]] = []
    for oid, data, size in read_blobs(objects, list(by_oid)):
        for file in by_oid[oid]:
            if data is None:
                log.info("%s: too large to check (%d bytes)", file.path, size)
                limit = objects.max_blob_size
                checked.append((file, too_large(file.path, size, limit, policy)))
            else:
                checked.append((file, check_blob(file.path, data, policy)))
    return checked


def _worker(task: Task) -> list[tuple[ChangedFile, BlobResult]] | None:
    """A worker's share; None (the parent does it) when it cannot read blobs."""
    reader = worker_reader()
    if reader is None:
        return None
    try:
        return _read_and_check(task, reader, inherited_policy())
    except (GitError, OSError) as error:
        log.debug("worker cannot read blobs (%s): the parent walks them", error)
        drop_worker_reader()
        return None
