"""The walk makes no reference cycles, so `check_blob` may pause the cyclic collector.

`check_blob` runs with the collector paused (a large file's parse would trigger it hundreds
of times, only to re-scan the live tree). That is safe only while everything the walk
allocates is freed by reference counting: a cycle (a scope referring to itself held a whole
function's subtree) would be garbage no one collects until the collector runs again, and a
push walks thousands of files. These tests run every check on every corpus case, and on
the constructs that nest scopes, with the collector off, and count what is left for it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from agent_guard.checks.python import check_blob
from agent_guard.checks.registry import BY_SLUG, Unit
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings, Policy
from tests.checks.corpus_cases import all_cases

NESTED = '''\
import asyncio, time
from app import db

class Service:
    """Doc."""

    async def run(self, items=[]):
        try:
            return [await x for x in items if (lambda y: y)(x)]
        except Exception:
            print({k: v for k, v in db.rows()})
            time.sleep(1)

    def gen(self):
        yield from (z for z in range(3))


def outer():
    def inner():
        return lambda: [i for i in range(2)]
    return inner
'''


def _every_check() -> Policy:
    python = [slug for slug, info in BY_SLUG.items() if info.unit in (Unit.PYTHON, Unit.IMPORTS)]
    return Policy(checks={slug: CheckSettings(slug, Severity.ERROR) for slug in python})


def _sources() -> Iterator[tuple[str, bytes]]:
    yield "app/service.py", NESTED.encode()
    for case in all_cases():
        yield case.path, case.text.encode()


@pytest.fixture
def collector_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def test_walking_every_corpus_case_leaves_nothing_for_the_collector(collector_off: None) -> None:
    policy = _every_check()
    sources = list(_sources())
    for path, data in sources:  # once first: a first use may build types and caches
        check_blob(path, data, policy)
    gc.collect()
    found = 0
    for path, data in sources:
        result = check_blob(path, data, policy)
        found += len(result.findings)
    assert found > 0  # the checks ran and reported
    assert gc.collect() == 0


def test_a_scope_is_its_own_function_without_referring_to_itself(collector_off: None) -> None:
    """The cycle that was: every function scope's `function` was the scope itself."""
    policy = _every_check()
    check_blob("app/service.py", NESTED.encode(), policy)
    gc.collect()
    check_blob("app/service.py", NESTED.encode(), policy)
    assert gc.collect() == 0


def test_the_collector_is_paused_only_during_the_walk() -> None:
    policy = _every_check()
    was = gc.isenabled()
    try:
        gc.enable()
        check_blob("app/service.py", NESTED.encode(), policy)
        assert gc.isenabled()
        gc.disable()
        check_blob("app/service.py", NESTED.encode(), policy)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
        gc.enable()
        check_blob("app/broken.py", b"def f(:\n", policy)  # the unparsable path too
        assert gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()
