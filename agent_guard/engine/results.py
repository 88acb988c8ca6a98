"""Per-blob check results kept across runs, so a re-push or a CI re-run reads, not re-checks.

A blob id names its content forever, so what the checks found in a blob stays true while the
checks and the policy stay the same. Entries are keyed by a digest of: agent-guard's version,
the Python it runs on (its parser and its list of standard modules decide findings too), the
policy's fingerprint (a digest of the config and rule files it was compiled from, see
`Policy.fingerprint`), what was checked ("python", "secrets"), the blob id, the path (checks
depend on it: include/exclude globs, module names) and, for the secret scan, the lines
scanned. Python results are whole-file (the engine applies the changed-line filter
afterwards), so one entry serves every commit and range that brings the blob; their findings
carry their source line, so a warm run never reads the blob.

Why packs and not one file per entry: a 1,000-commit push stores ~3,000
results, and creating a file costs 0.1-0.3 ms on a VM's disk, most of the push's budget. So
each run writes what it computed as ONE pack file, like git's packs:

    MAGIC, count, index (count x [32-byte key, offset, length, CRC-32]), payloads

written to a temporary file and moved into place with `os.replace` (atomic: a reader sees a
whole pack or none). Readers load the indexes of the packs (a few KB each) and read a payload
only on a hit, checking its CRC. Packs accumulate, so small ones (commits) are merged when
there are more than MAX_PACKS, and the oldest are dropped past MAX_BYTES.

Optional and fault-tolerant: without a cache directory or a fingerprint (a
policy built in code) nothing is stored; a missing, truncated, corrupt or foreign pack or
entry is a miss; any OS error turns the store off for the run. Values are pickles, like the
compiled policy next to them: `<git-dir>/agent-guard/` is written only by the repository's
owner (a push cannot write there), and the CRC rejects anything torn.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import pickle
import struct
import sys
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from agent_guard import __version__
from agent_guard.changes.model import ChangedFile
from agent_guard.model import Finding

if TYPE_CHECKING:
    from agent_guard.checks.python import BlobResult

log = logging.getLogger(__name__)

# Bump when the shape or the meaning of a stored value changes (v3: per-part fingerprints;
# v4: findings and changed files pickle as named tuples).
FOLDER = "results-v4"
CHANGES_FOLDER = "changes-v2"  # per-commit changes (see `ResultStore.get_changes`)
MAGIC = b"agent-guard-results 1\n"
MAX_PACKS = 16  # beyond this, the small packs are merged into one
SMALL_PACK = 4 << 20  # bytes: packs under this are merged (a commit's, a short push's)
MAX_BYTES = 256 << 20  # the oldest packs are dropped beyond this in total
PENDING_LIMIT = 32 << 20  # bytes of new results held before they are written as a pack
_COUNT = struct.Struct(">I")
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
_ENTRY = struct.Struct(">32sQII")  # key, offset, length, CRC-32 of the payload
_UNPICKLING_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    TypeError,
    ValueError,
)
_TEMP_NAMES = itertools.count()


class _Pack:
    """One pack on disk: its index, and an open descriptor to read payloads with pread."""

    def __init__(self, path: Path, index: dict[bytes, tuple[int, int, int]], fd: int) -> None:
        self.path = path
        self.index = index
        self.fd = fd


def _read_pack(path: Path) -> _Pack | None:
    """A pack's index (payloads stay on disk), or None when it is unreadable or not ours."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        log.debug("results cache: cannot open %s: %s", path, error)
        return None
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, len(MAGIC) + _COUNT.size, 0)
        if len(head) != len(MAGIC) + _COUNT.size or not head.startswith(MAGIC):
            raise ValueError("not a results pack")
        (count,) = _COUNT.unpack_from(head, len(MAGIC))
        start = len(head)
        raw = os.pread(fd, count * _ENTRY.size, start)
        if len(raw) != count * _ENTRY.size:
            raise ValueError("truncated index")
        index: dict[bytes, tuple[int, int, int]] = {}
        for key, offset, length, crc in _ENTRY.iter_unpack(raw):
            if offset + length > size:
                raise ValueError("an entry beyond the end of the pack")
            index[key] = (offset, length, crc)
        return _Pack(path, index, fd)
    except (OSError, ValueError, struct.error) as error:
        log.debug("results cache: ignoring %s: %s", path, error)
        os.close(fd)
        return None


class ResultStore:
    """Check results by (kind, blob, path[, lines]) on disk; a no-op when it cannot be keyed.

    Call `flush()` at the end of a run: it writes what the run computed as one pack.
    """

    def __init__(self, cache_dir: Path | None, fingerprint: str, folder: str = FOLDER) -> None:
        self._folder = cache_dir / folder if cache_dir is not None and fingerprint else None
        self._fingerprint = fingerprint
        self._packs: list[_Pack] | None = None  # newest first, loaded on first use
        self._pending: dict[bytes, bytes] = {}
        self._pending_bytes = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    # -- keys and raw payloads -------------------------------------------------------------

    def _key(self, kind: str, oid: str, path: str, lines: Collection[int] | None) -> bytes:
        digest = hashlib.sha256()
        for part in (__version__, _PYTHON, self._fingerprint, kind, oid, path):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        if lines is not None:
            digest.update(",".join(map(str, sorted(lines))).encode())
        return digest.digest()

    def _load(self) -> list[_Pack]:
        if self._packs is None:
            self._packs = []
            if self._folder is not None:
                self._packs = [
                    pack for path in _pack_paths(self._folder) if (pack := _read_pack(path))
                ]
        return self._packs

    def _payload(self, key: bytes) -> bytes | None:
        if key in self._pending:
            return self._pending[key]
        for pack in self._load():
            found = pack.index.get(key)
            if found is None:
                continue
            offset, length, crc = found
            try:
                payload = os.pread(pack.fd, length, offset)
            except OSError as error:
                log.debug("results cache: cannot read %s: %s", pack.path, error)
                continue
            if len(payload) == length and zlib.crc32(payload) == crc:
                return payload
            log.debug("results cache: ignoring a corrupt entry in %s", pack.path)
        return None

    def _get(self, kind: str, oid: str, path: str, lines: Collection[int] | None) -> object:
        if self._folder is None:
            return None
        payload = self._payload(self._key(kind, oid, path, lines))
        if payload is None:
            self.misses += 1
            return None
        try:
            value: object = pickle.load(io.BytesIO(payload))
        except _UNPICKLING_ERRORS as error:
            log.debug("results cache: ignoring an unreadable entry: %s", error)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def _put(
        self, kind: str, oid: str, path: str, lines: Collection[int] | None, value: object
    ) -> None:
        if self._folder is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending[self._key(kind, oid, path, lines)] = payload
        self._pending_bytes += len(payload)
        if self._pending_bytes > PENDING_LIMIT:
            self.flush()

    # -- python: a BlobResult (findings, import records, lone CR, suppressions) -----------

    def get_python(self, oid: str, path: str) -> BlobResult | None:
        from agent_guard.checks.python import BlobResult

        value = self._get("python", oid, path, None)
        if isinstance(value, BlobResult) and _findings(value.findings):
            return value
        return None

    def put_python(self, oid: str, path: str, result: BlobResult) -> None:
        self._put("python", oid, path, None, result)

    # -- secrets: the findings on `lines` (None = every line) ------------------------------

    def get_secrets(
        self, oid: str, path: str, lines: Collection[int] | None
    ) -> tuple[Finding, ...] | None:
        value = self._get("secrets", oid, path, lines)
        return value if isinstance(value, tuple) and _findings(value) else None

    def put_secrets(
        self, oid: str, path: str, lines: Collection[int] | None, found: tuple[Finding, ...]
    ) -> None:
        self._put("secrets", oid, path, lines, found)

    # -- commits: what a commit changed (files, statuses, ids, added lines) -----------------
    # A commit id names its tree and its parents' trees forever, so the files it changed, as
    # git diffs them with the fixed flags of `changes.diffparse` (the store's fingerprint),
    # never change: a re-push or a CI re-run reads them here instead of from `git log -p`.

    def get_changes(self, oid: str) -> tuple[ChangedFile, ...] | None:
        value = self._get("commit", oid, "", None)
        if isinstance(value, tuple) and all(isinstance(item, ChangedFile) for item in value):
            return value
        return None

    def put_changes(self, oid: str, files: tuple[ChangedFile, ...]) -> None:
        self._put("commit", oid, "", None, files)

    # -- imports: a blob's import list as rows (see `checks.importgraph`) -------------------
    # Whatever the policy, a blob's imports are the same: the architecture checks open their
    # own store, fingerprinted by the extractor's version, and pass the path as "".

    def get_imports(self, oid: str) -> list[object] | None:
        value = self._get("imports", oid, "", None)
        return value if isinstance(value, list) else None

    def put_imports(self, oid: str, rows: list[list[object]]) -> None:
        self._put("imports", oid, "", None, rows)

    # -- new-only: which findings of a change it only touched or moved --------------------
    # The new-violations stage (`engine.new_only`) decides from the change's files (paths,
    # statuses, blob ids), its findings and the policy alone: `key` is a digest of the first
    # two, and the value the positions, in the findings given, of those it dropped.

    def get_new_only(self, key: str) -> frozenset[int] | None:
        value = self._get("new-only", key, "", None)
        if isinstance(value, frozenset) and all(isinstance(item, int) for item in value):
            return value
        return None

    def put_new_only(self, key: str, dropped: frozenset[int]) -> None:
        self._put("new-only", key, "", None, dropped)

    # -- writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the results computed so far as one pack; tidy old packs; close descriptors."""
        pending, self._pending, self._pending_bytes = self._pending, {}, 0
        folder = self._folder
        if folder is None:
            return
        try:
            if pending:
                _write_pack(folder, pending)
                _tidy(folder)
        except OSError as error:
            log.debug("results cache: cannot write to %s: %s; off for this run", folder, error)
            self._folder = None
        finally:
            for pack in self._packs or ():
                os.close(pack.fd)
            self._packs = None


def verify_pack(path: Path) -> bool:
    """True when `path` is a whole pack whose every entry has its CRC (for tests and tools)."""
    pack = _read_pack(path)
    if pack is None:
        return False
    try:
        return all(
            zlib.crc32(os.pread(pack.fd, length, offset)) == crc
            for offset, length, crc in pack.index.values()
        )
    finally:
        os.close(pack.fd)


def _findings(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(item, Finding) for item in value)


def _pack_paths(folder: Path) -> list[Path]:
    """The packs in `folder`, newest first (an unreadable folder has none)."""
    try:
        entries = [
            (entry.stat().st_mtime_ns, Path(entry.path))
            for entry in os.scandir(folder)
            if entry.name.startswith("pack-") and entry.name.endswith(".pack")
        ]
    except OSError:
        return []
    return [path for _, path in sorted(entries, reverse=True)]


def _write_pack(folder: Path, entries: dict[bytes, bytes]) -> Path:
    """Write `entries` (key -> payload) as a new pack, atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    offset = len(MAGIC) + _COUNT.size + len(entries) * _ENTRY.size
    index: list[bytes] = []
    for key, payload in entries.items():
        index.append(_ENTRY.pack(key, offset, len(payload), zlib.crc32(payload)))
        offset += len(payload)
    name = f"pack-{os.getpid()}-{next(_TEMP_NAMES)}-{os.urandom(4).hex()}.pack"
    temp = folder / f".tmp-{name}"
    try:
        with open(temp, "xb") as stream:
            stream.write(MAGIC + _COUNT.pack(len(entries)) + b"".join(index))
            for payload in entries.values():
                stream.write(payload)
        target = folder / name
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def _tidy(folder: Path) -> None:
    """Merge small packs when there are too many; drop the oldest beyond MAX_BYTES."""
    paths = _pack_paths(folder)
    if len(paths) > MAX_PACKS:
        small = [path for path in paths if _size(path) < SMALL_PACK]
        if len(small) > 1:
            merged: dict[bytes, bytes] = {}
            for path in reversed(small):  # oldest first: newer entries win
                pack = _read_pack(path)
                if pack is None:
                    continue
                try:
                    for key, (offset, length, crc) in pack.index.items():
                        payload = os.pread(pack.fd, length, offset)
                        if len(payload) == length and zlib.crc32(payload) == crc:
                            merged[key] = payload
                finally:
                    os.close(pack.fd)
            _write_pack(folder, merged)
            for path in small:
                path.unlink(missing_ok=True)
            paths = _pack_paths(folder)
    total = 0
    for path in paths:  # newest first
        total += _size(path)
        if total > MAX_BYTES:
            path.unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
