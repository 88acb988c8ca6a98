"""The ChangeSet: one model of "what changed" for every source (staged, range, push).

Paths are `str`; names that are not valid UTF-8 are decoded with `surrogateescape`
(`os.fsdecode`), so they round-trip to git unchanged. Blob ids are hex strings of the
repository's hash length (40 for SHA-1, 64 for SHA-256).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from enum import StrEnum
from itertools import chain, pairwise
from typing import NamedTuple, Protocol

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


class Status(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"
    TYPE_CHANGED = "type-changed"


class Lines(AbstractSet[int]):
    """An immutable set of line numbers, kept as sorted runs `[start, stop)` in one array.

    A push holds the added lines of every file of every commit until it is judged: 58,057
    sympy commits add millions of lines. A frozenset costs ~60 bytes a line (a hash-table
    slot and an int object) and 216 bytes when empty; zero-context hunks add runs of
    consecutive lines, and a run costs 8 bytes here (two uint32). It is a `Set`: `in` (one
    bisect), `len`, iteration in order, `&`, `==` and a hash equal to a frozenset's of the
    same numbers, so code and tests that compare it with a frozenset or a set keep working.
    """

    __slots__ = ("_hash_value", "_len", "_runs")

    _runs: array[int]  # start0, stop0, start1, stop1, ... (strictly increasing)
    _len: int
    _hash_value: int | None

    def __init__(self, numbers: Iterable[int] = ()) -> None:
        if isinstance(numbers, Lines):
            self._set(numbers._runs, numbers._len)
            return
        if isinstance(numbers, (set, frozenset, AbstractSet)):
            self._set(_runs_of(sorted(numbers)))
            return
        values = numbers if isinstance(numbers, (list, tuple, range)) else list(numbers)
        try:
            self._set(_runs_of(values))
        except ValueError:  # out of order or repeated: sort once (a diff lists them in order)
            self._set(_runs_of(sorted(set(values))))

    @classmethod
    def from_runs(cls, runs: Iterable[int]) -> Lines:
        """Lines from flat runs `start, stop, start, stop, ...` (what a diff parser builds
        as it reads lines in order); runs that are not sorted and apart are normalised."""
        flat = array("I", runs)
        lines = cls()
        if all(a < b for a, b in pairwise(flat)) and len(flat) % 2 == 0:
            lines._set(flat)
        else:
            numbers = (n for i in range(0, len(flat) - 1, 2) for n in range(flat[i], flat[i + 1]))
            lines._set(_runs_of(sorted(set(numbers))))
        return lines

    def _set(self, runs: array[int], total: int | None = None) -> None:
        if total is None:
            total = sum(runs[i + 1] - runs[i] for i in range(0, len(runs), 2))
        object.__setattr__(self, "_runs", runs)
        object.__setattr__(self, "_len", total)
        object.__setattr__(self, "_hash_value", None)

    @classmethod
    def span(cls, start: int, stop: int) -> Lines:
        """The lines `start..stop-1` (a file added whole)."""
        lines = cls()
        if stop > start:
            lines._set(array("I", (start, stop)), stop - start)
        return lines

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int) or number < 0:
            return False
        return bisect_right(self._runs, number) % 2 == 1

    def __iter__(self) -> Iterator[int]:
        # Chained ranges: iterated in C, as fast as a frozenset (the engine's line filter
        # scans a file's added lines once per finding that is not on one of them).
        runs = self._runs
        return chain.from_iterable(map(range, runs[0::2], runs[1::2]))

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines):
            return self._runs == other._runs
        return AbstractSet.__eq__(self, other)

    def __hash__(self) -> int:
        if self._hash_value is None:
            object.__setattr__(self, "_hash_value", self._hash())
        assert self._hash_value is not None
        return self._hash_value

    def __and__(self, other: AbstractSet[object]) -> Lines:
        if isinstance(other, Lines) and len(other) < len(self):
            return Lines(number for number in other if number in self)
        return Lines(number for number in self if number in other)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Lines is immutable")

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return _lines_from_runs, (self._runs.tobytes(),)

    def __repr__(self) -> str:
        runs = self._runs
        parts = [
            f"{runs[i]}" if runs[i + 1] == runs[i] + 1 else f"{runs[i]}-{runs[i + 1] - 1}"
            for i in range(0, len(runs), 2)
        ]
        return f"Lines({', '.join(parts)})"

    def overlaps(self, first: int, last: int) -> bool:
        """Whether any line in `first..last` is in the set: one bisect, not a scan (what
        the engine's line filter asks of a finding's scope)."""
        if last < first:
            return False
        index = bisect_right(self._runs, first)
        if index % 2 == 1:
            return True  # `first` itself is in a run
        return index < len(self._runs) and self._runs[index] <= last

    def first(self) -> int | None:
        """The smallest line number, or None when empty (what `min` gives, in O(1))."""
        return self._runs[0] if self._runs else None


def _runs_of(ordered: Iterable[int]) -> array[int]:
    """Runs of strictly increasing line numbers; ValueError if they are not."""
    runs = array("I")
    stop = -1
    for number in ordered:
        if number == stop:
            stop += 1
            runs[-1] = stop
        elif number > stop:
            stop = number + 1
            runs.append(number)
            runs.append(stop)
        else:
            raise ValueError("line numbers out of order")
    return runs


def _lines_from_runs(data: bytes) -> Lines:
    """Unpickle a `Lines` (its runs as raw bytes: a pickle as small as the runs)."""
    runs = array("I")
    runs.frombytes(data)
    lines = Lines()
    lines._set(runs)
    return lines


NO_LINES = Lines()


class ChangedFile(NamedTuple):
    """One path the change touches, with the lines it added on the new side.

    `added_lines` are 1-based line numbers of the new blob that the change added or
    changed (from zero-context hunks): `Lines` when git's diff is parsed (compact: a push
    holds every commit's), any set of ints otherwise. For a deleted file it is empty and
    `new_oid` is None.
    """

    path: str
    status: Status
    old_path: str | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    old_oid: str | None = None
    new_oid: str | None = None
    binary: bool = False
    added_lines: AbstractSet[int] = NO_LINES

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


class Commit(NamedTuple):
    """A commit as the checks need it: identity, message, and who made it."""

    oid: str
    parents: tuple[str, ...]
    author: str  # "Name <email>"
    committer: str
    message: str


class CommitChange(NamedTuple):
    """What one commit changed against its parent(s); merges keep only what differs from all."""

    commit: Commit
    files: tuple[ChangedFile, ...]


class RefUpdate(NamedTuple):
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


class ChangeSet(NamedTuple):
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


class TreeEntry(NamedTuple):
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
