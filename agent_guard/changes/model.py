"""The ChangeSet: one model of "what changed" for every source (staged, range, push).

Paths are `str`; names that are not valid UTF-8 are decoded with `surrogateescape`
(`os.fsdecode`), so they round-trip to git unchanged. Blob ids are hex strings of the
repository's hash length (40 for SHA-1, 64 for SHA-256).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


class Status(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type-changed"


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One path the change touches, with the lines it added on the new side.

    `added_lines` are 1-based line numbers of the new blob that the change added or
    changed (from zero-context hunks). For a deleted file it is empty and `new_oid` is None.
    """

    path: str
    status: Status
    old_path: str | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    old_oid: str | None = None
    new_oid: str | None = None
    binary: bool = False
    added_lines: frozenset[int] = frozenset()

    @property
    def is_symlink(self) -> bool:
        return self.new_mode == SYMLINK_MODE

    @property
    def is_submodule(self) -> bool:
        return GITLINK_MODE in (self.new_mode, self.old_mode)

    @property
    def has_content(self) -> bool:
        """True when there is a new regular-file blob whose text checks may read."""
        return (
            self.new_oid is not None
            and not self.binary
            and not self.is_symlink
            and not self.is_submodule
            and self.status is not Status.DELETED
        )

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path this change touches: the path, and the old one of a rename."""
        return (self.path,) if self.old_path in (None, self.path) else (self.path, self.old_path)


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as the checks need it: identity, message, and who made it."""

    oid: str
    parents: tuple[str, ...]
    author: str  # "Name <email>"
    committer: str
    message: str


@dataclass(frozen=True, slots=True)
class CommitChange:
    """What one commit changed against its parent(s); merges keep only what differs from all."""

    commit: Commit
    files: tuple[ChangedFile, ...]


@dataclass(frozen=True, slots=True)
class RefUpdate:
    """One line of a push: `old new ref` (zero ids mark creation and deletion).

    The server fills in what git knows beyond the line, for checks of unit `ref`:
    `forced` (the old tip is not an ancestor of the new one) and `default_branch` (the ref
    is the repository's default branch, `HEAD`).
    """

    ref: str
    old: str
    new: str
    forced: bool = False
    default_branch: bool = False

    @property
    def created(self) -> bool:
        return not self.old.strip("0")  # all zeros (ids are validated when parsed)

    @property
    def deleted(self) -> bool:
        return not self.new.strip("0")


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What a change adds, as every entry point sees it.

    `files` is the net change (the final state against the base): code checks read these.
    `commits` is the same change commit by commit (empty for staged/work-tree changes):
    secrets and protected files are judged per commit, because history keeps them.
    `tree` names the new state for cross-file reads: a tree/commit id, or ":" for the index.
    """

    kind: str  # "staged" | "worktree" | "range" | "push"
    files: tuple[ChangedFile, ...]
    commits: tuple[CommitChange, ...] = ()
    tree: str | None = None
    ref: RefUpdate | None = None
    base: str | None = None
    # A push that moves `ref` off its old tip (the old tip is not an ancestor of the new
    # one, or the ref is deleted): what branch-protection calls a force push. Set by
    # `push_changes`, which can ask git; checks never call git.
    rewrites: bool = False


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One file of a tree as git lists it: its mode and its blob id."""

    mode: str
    oid: str


class ObjectReader(Protocol):
    """Reads blobs by id (one persistent `git cat-file --batch` behind it).

    Everything the engine, the workers and the checks call on a reader is declared here, so
    mypy checks every implementation (`BatchObjectReader`, `WorktreeObjects`).
    """

    @property
    def max_blob_size(self) -> int:
        """Blobs bigger than this are not read (`read_blob` raises `BlobTooLarge`)."""
        ...

    def read_blob(self, oid: str) -> bytes:
        """The content of a blob; GitError when missing, BlobTooLarge over the limit."""
        ...

    def read_blobs(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None, int]]:
        """(oid, content, size) of each blob in one pipelined batch; content None when over
        the limit."""
        ...

    def fresh(self) -> ObjectReader:
        """A new reader of the same objects with its own git process (for a forked worker)."""
        ...

    def close(self) -> None:
        """End the git process behind this reader (a later read starts a new one)."""
        ...


class TreeReader(Protocol):
    """The files of one tree (a commit, or the index), for checks that look past the diff."""

    def paths(self) -> tuple[str, ...]: ...

    def read(self, path: str) -> bytes | None:
        """A regular file's content; None for a missing path, a symlink, a submodule, or a
        file over the size limit."""
        ...

    def read_many(self, paths: Iterable[str]) -> Mapping[str, bytes | None]:
        """`read` of many paths at once (one pipelined batch where the reader has one)."""
        ...

    def entry(self, path: str) -> TreeEntry | None:
        """The path's mode and blob id when the reader knows them without reading the file
        (a git tree does); None otherwise, and for a missing path. Caches keyed by blob id
        use it to skip a read; without it they hash the content."""
        ...
