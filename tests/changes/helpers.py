"""Shared helpers for the change-source tests: open a GitRepo with the real plumbing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agent_guard.changes.git import BatchObjectReader, Repository, open_repository
from agent_guard.changes.model import ChangedFile, ChangeSet
from tests.conftest import GitRepo


@contextmanager
def opened(repo: GitRepo) -> Iterator[tuple[Repository, BatchObjectReader]]:
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        yield repository, objects


def by_path(changes: ChangeSet | tuple[ChangedFile, ...]) -> dict[str, ChangedFile]:
    files = changes.files if isinstance(changes, ChangeSet) else changes
    return {file.path: file for file in files}
