"""The Python unit: each changed Python file parsed once and walked once.

All checks of unit `python` run in the single walk (`checks.python.check_blob`); the walk
also records the file's imports for the checks of unit `imports` and its suppression
comments for the suppression stage. Imported only when a change has a Python file to check (it
imports the walker). Results are cached per blob within the run and across
runs (`results.py`); blobs are read in one pipelined batch; on a push, the many files are
walked in forked workers (`workers.py`) while this process runs the other units.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from agent_guard.changes.model import ChangedFile, ObjectReader
from agent_guard.checks.python import BlobResult, check_blob, too_large
from agent_guard.checks.registry import BY_SLUG, Unit
from agent_guard.engine.cache import EngineOptions, RunCache, read_blobs
from agent_guard.engine.workers import Workers, inherited_policy
from agent_guard.policy.model import Policy

log = logging.getLogger(__name__)

WORKER_CHUNK = 2  # Python files per task: small, so the tail of the work is shared evenly

Results = Callable[[], list[tuple[ChangedFile, BlobResult]]]


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
    work: list[tuple[ChangedFile, bytes]] = []
    for oid, data, size in read_blobs(objects, list(missing)):
        for file in missing[oid]:
            if data is None:
                log.info("%s: too large to check (%d bytes)", file.path, size)
                limit = objects.max_blob_size
                results[(oid, file.path)] = _remember(
                    cache, file, too_large(file.path, size, limit, policy)
                )
            else:
                work.append((file, data))
    pending = _check_many(work, policy, workers)

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
    work: list[tuple[ChangedFile, bytes]], policy: Policy, workers: Workers
) -> Callable[[], list[tuple[ChangedFile, BlobResult]]]:
    """Parse and walk many blobs; returns a call that waits for their results.

    A push's many files go to the workers (`Workers`); otherwise the work happens here,
    when the results are asked for. The call empties `work`: the caller keeps the results
    for the rest of the run (the import graph, the new-violations stage), and the blobs'
    bytes must not stay with them (27 MiB of a 1,000-commit sympy push).
    """
    if not workers.usable(len(work)):

        def here() -> list[tuple[ChangedFile, BlobResult]]:
            results = [(file, check_blob(file.path, data, policy)) for file, data in work]
            work.clear()
            return results

        return here
    chunks = [work[start : start + WORKER_CHUNK] for start in range(0, len(work), WORKER_CHUNK)]

    def local(chunk: Sequence[tuple[ChangedFile, bytes]]) -> list[BlobResult]:
        return [check_blob(file.path, data, policy) for file, data in chunk]

    pending = workers.share(_worker, chunks, local)

    def finish() -> list[tuple[ChangedFile, BlobResult]]:
        results = [item for chunk in pending() for item in chunk]
        files = [file for file, _ in work]
        work.clear()
        chunks.clear()  # the list the workers' queue was given: it held the bytes too
        return list(zip(files, results, strict=True))

    return finish


def _worker(chunk: Sequence[tuple[ChangedFile, bytes]]) -> list[BlobResult]:
    return [check_blob(file.path, data, inherited_policy()) for file, data in chunk]
