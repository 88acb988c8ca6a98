"""Forked worker processes that share one run's work with this process (on big pushes).

Why a module of its own: the engine decides what to check; this decides where it runs.
A push's many Python files and blobs are split into small tasks; forked workers inherit the
loaded modules and the policy (`inherited_policy`), and each reads blobs through its own
`cat-file` (`worker_reader`), so nothing large crosses a pipe. Below `PARALLEL_FROM` tasks,
or on one core, or where `fork` is not available, everything runs in this process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from agent_guard.changes.model import ObjectReader
from agent_guard.policy.model import Policy

log = logging.getLogger(__name__)

PARALLEL_FROM = 48  # files or blobs: below this, worker processes cost more than they save
_WORKER_STATE: list[Any] = []  # [policy, reader factory or None]: what a forked worker inherits
_WORKER_READER: list[Any] = []  # the worker's own cat-file reader, started on first use

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """Forked worker processes shared by one run's Python walk and secret scan (a push's).

    Forked, the workers inherit the loaded modules and the policy; a worker reads blobs for
    the secret scan through its own `cat-file` (the reader's `fresh()`). Work is queued in
    small tasks; when this process comes for the results it takes the tasks no worker has
    started, from the end of the queue, and does them itself, so both cores stay busy to the
    end whichever job is longer. A worker that dies, or cannot read, leaves its task to this
    process. Nothing starts before a job is big enough to pay for it.
    """

    def __init__(self, policy: Policy, objects: ObjectReader) -> None:
        self._policy = policy
        self._fresh: Callable[[], ObjectReader] = objects.fresh
        self._pool: Any = None
        self.cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1

    def usable(self, size: int) -> bool:
        """Whether a job of `size` tasks is worth forked workers (every ObjectReader can give
        a worker its own cat-file: `fresh`)."""
        if size < PARALLEL_FROM or self.cores < 2:
            return False
        import multiprocessing  # only for a job this big: it stays off the commit path

        return "fork" in multiprocessing.get_all_start_methods()

    def share(
        self,
        function: Callable[[T], R | None],
        tasks: Sequence[T],
        local: Callable[[T], R],
    ) -> Callable[[], list[R]]:
        """Queue `function(task)` for the workers; the call returns the results in order."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start()
        futures = [pool.submit(function, task) for task in tasks]

        def finish() -> list[R]:
            stolen: dict[int, R] = {}
            for index in range(len(futures) - 1, -1, -1):
                if not futures[index].cancel():
                    break  # a worker has it, and every task before it
                stolen[index] = local(tasks[index])
            results: list[R] = []
            for index, future in enumerate(futures):
                if index in stolen:
                    results.append(stolen[index])
                    continue
                try:
                    result = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory)
                    log.warning("a worker process died; doing its work in this process")
                    result = None
                results.append(local(tasks[index]) if result is None else result)
            return results

        return finish

    def _start(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _WORKER_STATE[:] = [self._policy, self._fresh]
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(self.cores - 1, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            _WORKER_STATE.clear()


def inherited_policy() -> Policy:
    """In a worker: the policy the parent was checking with when it forked."""
    policy: Policy = _WORKER_STATE[0]
    return policy


def worker_reader() -> ObjectReader | None:
    """In a worker: its own cat-file reader, started on first use; None outside a worker."""
    fresh = _WORKER_STATE[1] if len(_WORKER_STATE) > 1 else None
    if fresh is None:
        return None
    if not _WORKER_READER:
        from multiprocessing.util import Finalize

        reader = fresh()
        _WORKER_READER.append(reader)
        Finalize(reader, reader.close, exitpriority=10)  # its cat-file ends with the worker
    reader_: ObjectReader = _WORKER_READER[0]
    return reader_


def drop_worker_reader() -> None:
    """In a worker whose reader failed: close it, so the next task starts a new one."""
    if _WORKER_READER:
        _WORKER_READER.pop().close()
