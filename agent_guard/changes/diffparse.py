"""Parse git's `--raw -z -p -U0` output incrementally into ChangedFiles.

One stream serves every source: `diff-index`/`diff-tree` print one diff, `git log` prints a
header per commit (our `LOG_FORMAT`) followed by that commit's diff. Each diff is:

    :<old mode> <new mode> <old id> <new id> <status>\\0<path>\\0[<new path>\\0]   (raw, -z)
    ...
    \\0diff --git a/<path> b/<path>\\n ... @@ -a,b +c,d @@\\n+added\\n ...          (patch)

The raw records give exact paths (NUL-separated, any byte allowed); the patch gives the
added line numbers and whether git saw the file as binary. A patch is matched to its raw
record by its `diff --git` header, which we rebuild from the raw paths with git's own
quoting (core.quotePath=true), so a path with spaces cannot be mis-split. A type change
(e.g. symlink -> file) has two patches under the same header; both belong to the record.

A merge in `git log --cc --raw --combined-all-paths` output is a combined diff instead:
`::` records with one mode, id, status and path per parent (only the paths that differ
from every parent), and `diff --cc <path>` patches whose lines carry one marker column per
parent; a line is added by the merge when it is added against every parent (`_Combined`).

Patch lines always start with `+`, `-`, ` `, `\\`, `@` or a header keyword; commit headers
start with \\x01, so the boundary between commits is never ambiguous. Added lines are counted
by walking each hunk (robust to context lines, should a config add any).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from agent_guard.changes.git import fsdecode
from agent_guard.changes.model import NO_LINES, ChangedFile, Lines, Status
from agent_guard.errors import GitError

COMMIT_MARK = b"\x01"
LOG_FORMAT = "--format=%x01%H%x00%P%x00"  # commit id, parent ids; messages come from cat-file
# Flags that make diff output parseable and independent of the user's config.
DIFF_FLAGS: tuple[str, ...] = (
    "-z",
    "--raw",
    "-p",
    "-U0",
    "--inter-hunk-context=0",
    "--no-abbrev",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--ignore-submodules=none",
    "-M",
)
_STATUS = {
    "A": Status.ADDED,
    "M": Status.MODIFIED,
    "D": Status.DELETED,
    "R": Status.RENAMED,
    "C": Status.COPIED,
    "T": Status.TYPE_CHANGED,
}
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
# A combined diff's hunk: `@@@ -a,b -c,d +e,f @@@` (one `@` more than it has parents).
_COMBINED_HUNK = re.compile(rb"^(@@@+) (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@")
_MARKS = frozenset((b"+", b"-", b" "))
_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
_ESCAPES |= {ord('"'): '\\"', ord("\\"): "\\\\"}


def _ascii(raw: bytes) -> str:
    """Ids, modes and statuses are ASCII; anything else means the stream is not git's."""
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise GitError(f"unexpected git output: {raw[:80]!r}") from None


def quote_path(raw: bytes) -> bytes:
    """A path as git prints it in a patch header with core.quotePath=true (quote.c rules)."""
    if not any(b < 0x20 or b in (0x22, 0x5C, 0x7F) or b >= 0x80 for b in raw):
        return raw
    out = ['"']
    for byte in raw:
        if byte in _ESCAPES:
            out.append(_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    out.append('"')
    return "".join(out).encode("ascii")


class StreamReader:
    """Buffered reads of a pipe up to a delimiter (NUL or newline), with a one-byte peek.

    Memory stays bounded: a piece longer than `limit` is truncated (the rest is skipped),
    which is safe because only headers are read in full and they are short.
    """

    def __init__(self, stream: IO[bytes], chunk: int = 1 << 16, limit: int = 1 << 16) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self._chunk = chunk
        self._limit = limit
        self._buffer = b""
        self._pos = 0

    def _fill(self) -> bool:
        data: bytes = self._read(self._chunk)
        self._buffer = self._buffer[self._pos :] + data
        self._pos = 0
        return bool(data)

    def peek(self) -> bytes:
        """The next byte, or b"" at the end of the stream."""
        while self._pos >= len(self._buffer):
            if not self._fill():
                return b""
        return self._buffer[self._pos : self._pos + 1]

    def read_until(self, delimiter: bytes) -> bytes | None:
        """The bytes up to `delimiter` (consumed, not returned); None at the end of stream.

        At the end of the stream without a delimiter, the rest is returned.
        """
        pieces: list[bytes] = []
        kept = 0
        while True:
            found = self._buffer.find(delimiter, self._pos)
            end = found if found >= 0 else len(self._buffer)
            if kept < self._limit:
                piece = self._buffer[self._pos : min(end, self._pos + self._limit - kept)]
                pieces.append(piece)
                kept += len(piece)
            if found >= 0:
                self._pos = found + 1
                return b"".join(pieces)
            self._pos = len(self._buffer)
            if not self._fill():
                return b"".join(pieces) if kept else None

    def lines_until(self, stop: bytes) -> Iterator[bytes]:
        """Lines (newline consumed, not returned) until one that begins with the byte `stop`
        (left unread) or the end of the stream.

        This is the patch-reading hot path, hundreds of thousands of lines per push, so
        lines already in the buffer are sliced out in a tight loop; only a line that spans
        a refill goes through `read_until` (which also bounds its length).
        """
        while True:
            buffer, pos = self._buffer, self._pos
            end = buffer.find(b"\n", pos)
            while end >= 0 and buffer[pos : pos + 1] != stop:
                self._pos = end + 1
                yield buffer[pos:end]
                buffer, pos = self._buffer, self._pos
                end = buffer.find(b"\n", pos)
            byte = self.peek()
            if not byte or byte == stop:
                return
            line = self.read_until(b"\n")
            if line is None:
                return
            yield line

    def skip(self, chars: bytes) -> None:
        while (byte := self.peek()) and byte in chars:
            self._pos += 1


@dataclass(slots=True)
class _Raw:
    old_mode: str
    new_mode: str
    old_oid: str
    new_oid: str
    status: str
    src: bytes
    dst: bytes
    header: bytes
    binary: bool = False
    # Added lines as flat runs `start, stop, ...` (`Lines`' form), extended line by line in
    # the order the patch lists them: no per-line set, no second pass to find the runs.
    added: list[int] = field(default_factory=list)
    patched: bool = False

    def to_changed_file(self) -> ChangedFile:
        status = _STATUS.get(self.status[:1])
        if status is None:
            raise GitError(f"unexpected diff status {self.status!r}")
        zero = set(self.old_oid) == {"0"}
        new_zero = set(self.new_oid) == {"0"}
        # One shared empty set for the files that add no line (deletions, binaries, modes).
        deleted = status is Status.DELETED
        added = Lines.from_runs(self.added) if self.added and not deleted else NO_LINES
        # Interned: a push of 50,000 commits holds their changed files until it is judged,
        # and the same paths, modes and blob ids (one commit's new blob is a later one's
        # old blob) recur across them; one string each, not one per commit.
        return ChangedFile(
            path=sys.intern(fsdecode(self.dst)),
            status=status,
            old_path=fsdecode(self.src) if status in (Status.RENAMED, Status.COPIED) else None,
            old_mode=None if self.old_mode == "000000" else sys.intern(self.old_mode),
            new_mode=None if self.new_mode == "000000" else sys.intern(self.new_mode),
            old_oid=None if zero else sys.intern(self.old_oid),
            new_oid=None if new_zero or status is Status.DELETED else sys.intern(self.new_oid),
            binary=self.binary,
            added_lines=added,
        )


@dataclass(slots=True)
class _Combined:
    """A merge's path that differs from every parent (`--cc --raw --combined-all-paths`):
    one mode, id, status and path per parent, then the result's mode, id and path."""

    modes: list[str]
    oids: list[str]
    statuses: str
    paths: list[bytes]  # one per parent, then the result's
    header: bytes
    binary: bool = False
    added: list[int] = field(default_factory=list)  # runs, as `_Raw.added`
    patched: bool = False  # `--cc` shows a hunk: the result differs from every parent there

    def merge_contribution(self) -> ChangedFile | None:
        """What the merge adds at this path beyond all its parents, or None for nothing.

        Its added lines are those added against every parent (`++` in the combined diff).
        A text file with no such line, the same mode as in every parent and no hunk under
        `--cc` is a clean merge of both sides: nothing. With a hunk (lines deleted from all
        sides, an "evil merge" that only deletes), it counts as a change with no added line.
        """
        textual = set(self.statuses) == {"M"} and not self.binary
        same_mode = all(mode == self.modes[-1] for mode in self.modes[:-1])
        if textual and same_mode and not self.added and not self.patched:
            return None
        first = self.statuses[:1]
        raw = _Raw(
            self.modes[0],
            self.modes[-1],
            self.oids[0],
            self.oids[-1],
            first,
            self.paths[0],
            self.paths[-1],
            self.header,
            self.binary,
            self.added,
        )
        return raw.to_changed_file()


def _read_combined(meta: bytes, reader: StreamReader) -> _Combined:
    colons = len(meta) - len(meta.lstrip(b":"))
    parts = _ascii(meta[colons:]).split(" ")
    if len(parts) != 2 * (colons + 1) + 1 or len(parts[-1]) != colons:
        raise GitError(f"unexpected combined diff record: {meta[:80]!r}")
    paths = [reader.read_until(b"\0") or b"" for _ in range(colons + 1)]
    header = b"diff --cc " + quote_path(paths[-1])
    return _Combined(parts[: colons + 1], parts[colons + 1 : -1], parts[-1], paths, header)


def _read_raw(reader: StreamReader) -> list[_Raw | _Combined]:
    """The raw records at the reader's position (each begins with ':'; a merge's with '::')."""
    records: list[_Raw | _Combined] = []
    while reader.peek() == b":":
        meta = reader.read_until(b"\0")
        if meta is None:
            break
        if meta.startswith(b"::"):
            records.append(_read_combined(meta, reader))
            continue
        parts = _ascii(meta[1:]).split(" ")
        if len(parts) != 5:
            raise GitError(f"unexpected raw diff record: {meta[:80]!r}")
        old_mode, new_mode, old_oid, new_oid, status = parts
        src = reader.read_until(b"\0") or b""
        dst = src
        if status[:1] in ("R", "C"):
            dst = reader.read_until(b"\0") or b""
        header = b"diff --git " + quote_path(b"a/" + src) + b" " + quote_path(b"b/" + dst)
        records.append(_Raw(old_mode, new_mode, old_oid, new_oid, status, src, dst, header))
    return records


def _add(runs: list[int], line: int) -> None:
    """Add `line` to flat runs `start, stop, ...`: extend the last run, or start one."""
    if runs and runs[-1] == line:
        runs[-1] = line + 1
    else:
        runs += (line, line + 1)


def _read_patches(reader: StreamReader, records: list[_Raw | _Combined]) -> None:
    """Consume patch text up to the next commit header (or the end), filling `records`.

    A merge's patches are combined diffs (`diff --cc`): one marker column per parent, a
    line is in the result unless a column says `-`, and added against every parent when
    every column says `+`.
    """
    index = 0
    current: _Raw | _Combined | None = None
    new_line = 0
    columns = 1
    every = b"+"
    for line in reader.lines_until(COMMIT_MARK):
        first = line[:1]
        if columns > 1 and first in _MARKS:
            marks = line[:columns]
            if b"-" in marks or not new_line:
                continue
            if marks == every and current is not None:
                _add(current.added, new_line)
            new_line += 1
        elif first == b"+" and current is not None and new_line:
            _add(current.added, new_line)
            new_line += 1
        elif first in {b"-", b"\\"}:
            continue
        elif first == b" " and new_line:
            new_line += 1
        elif line.startswith(b"@@@"):
            match = _COMBINED_HUNK.match(line)
            if match is None:
                raise GitError(f"unexpected hunk header: {line[:80]!r}")
            columns = len(match.group(1)) - 1
            every = b"+" * columns
            new_line = int(match.group(2))
            if match.group(3) == b"0":
                new_line = 0
            elif new_line == 0:
                new_line = 1
            if current is not None:
                current.patched = True
        elif first == b"@":
            match = _HUNK.match(line)
            if match is None:
                raise GitError(f"unexpected hunk header: {line[:80]!r}")
            columns = 1
            new_line = int(match.group(1))
            if match.group(2) == b"0":
                new_line = 0  # a pure deletion: no new-side lines follow
            elif new_line == 0:
                new_line = 1
        elif line.startswith((b"diff --git ", b"diff --cc ")):
            new_line = 0
            columns = 1
            while index < len(records) and records[index].header != line:
                index += 1
            if index == len(records):
                raise GitError(f"cannot match git diff output: {line[:120]!r}")
            current = records[index]
            if isinstance(current, _Raw):
                current.patched = True
        elif line.startswith((b"Binary files ", b"GIT binary patch")) and current is not None:
            current.binary = True
        # Anything else is a file header line (index, ---/+++, modes, rename/copy/similarity).


def read_diff(reader: StreamReader) -> list[ChangedFile]:
    """One diff (raw records, then patches) at the reader's position.

    A merge's combined diff (`--cc`) gives only what the merge adds beyond all its
    parents (`_Combined.merge_contribution`).
    """
    reader.skip(b"\0\n")
    records = _read_raw(reader)
    reader.skip(b"\0")
    _read_patches(reader, records)
    files: list[ChangedFile] = []
    for record in records:
        if isinstance(record, _Raw):
            files.append(record.to_changed_file())
        elif (contribution := record.merge_contribution()) is not None:
            files.append(contribution)
    return files


class LogEntry(NamedTuple):
    """One commit of a `git log` stream (a merge once, as its combined diff `--cc`; with
    `-m`, once per parent)."""

    oid: str
    parents: tuple[str, ...]
    files: list[ChangedFile]


def read_log(reader: StreamReader) -> Iterator[LogEntry]:
    """Commits of a `git log LOG_FORMAT DIFF_FLAGS` stream (`--cc`: one entry per commit;
    `-m`: one per (commit, parent))."""
    while True:
        reader.skip(b"\0\n")
        byte = reader.peek()
        if not byte:
            return
        if byte != COMMIT_MARK:
            raise GitError(f"unexpected git log output at {byte!r}")
        oid = _ascii((reader.read_until(b"\0") or b"")[1:])
        parents = tuple(_ascii(reader.read_until(b"\0") or b"").split())
        yield LogEntry(oid, parents, read_diff(reader))
