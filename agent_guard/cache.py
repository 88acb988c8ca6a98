"""An optional on-disk cache of small values, keyed by content (e.g. a blob id).

Why: a second run on a big repository should not parse again what it parsed before. A blob
id names its content forever, so a value computed from a blob (its imports, its findings)
can be reused as long as the code that computed it has not changed; callers put their own
version in the namespace (`imports-v1`) so that a new extractor never reads an old value.

The cache must never be the reason a commit fails, so:
- concurrent runs are safe: a value is written to a temporary file in the same directory and
  moved into place with `os.replace` (atomic on POSIX), so a reader sees a whole file or none;
- every file carries a header (magic, namespace, key, length, CRC-32); a file that is
  truncated, corrupt or written by something else is ignored (and later overwritten);
- any OS error (disk full, read-only file system, permissions) is logged at debug level and
  ignored: a miss is always a correct answer.

Layout: `<root>/<namespace>/<key[:2]>/<key[2:]>`, like git's loose objects.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import zlib
from pathlib import Path

log = logging.getLogger(__name__)

_MAGIC = b"agent-guard-cache 1"
_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")
_TEMP_NAMES = itertools.count()


class BlobCache:
    """Namespaced key -> bytes (or JSON) on disk; `BlobCache(None)` caches nothing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        self._disabled = root is None

    def _file(self, namespace: str, key: str) -> Path | None:
        if self._disabled or self.root is None:
            return None
        if not (_SAFE.match(namespace) and _SAFE.match(key)) or len(key) < 3:
            return None
        return self.root / namespace / key[:2] / key[2:]

    def _header(self, namespace: str, key: str, payload: bytes) -> bytes:
        crc = zlib.crc32(payload)
        return b"%s %s %s %d %08x\n" % (
            _MAGIC,
            namespace.encode(),
            key.encode(),
            len(payload),
            crc,
        )

    def get(self, namespace: str, key: str) -> bytes | None:
        """The bytes stored under (namespace, key), or None (missing, corrupt, foreign, error)."""
        path = self._file(namespace, key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as error:
            log.debug("cache: cannot read %s: %s", path, error)
            self.misses += 1
            return None
        header, newline, payload = data.partition(b"\n")
        if not newline or header + b"\n" != self._header(namespace, key, payload):
            log.debug("cache: ignoring corrupt or foreign file %s", path)
            self.misses += 1
            return None
        self.hits += 1
        return payload

    def put(self, namespace: str, key: str, payload: bytes) -> None:
        """Store atomically; any error is logged and forgotten (the cache is optional)."""
        path = self._file(namespace, key)
        if path is None:
            return
        try:
            fd, temp = _create_temporary(path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(self._header(namespace, key, payload))
                    handle.write(payload)
                os.replace(temp, path)
            except BaseException:
                _unlink_quietly(temp)
                raise
        except OSError as error:
            # Disk full, read-only or permission denied: stop trying for this run.
            log.debug("cache: cannot write %s: %s; caching disabled for this run", path, error)
            self._disabled = True

    def get_json(self, namespace: str, key: str) -> object | None:
        """The JSON value stored under (namespace, key), or None when absent or unreadable."""
        import json

        payload = self.get(namespace, key)
        if payload is None:
            return None
        try:
            value: object = json.loads(payload)
        except (UnicodeDecodeError, ValueError):
            log.debug("cache: ignoring undecodable JSON for %s/%s", namespace, key)
            return None
        return value

    def put_json(self, namespace: str, key: str, value: object) -> None:
        import json

        self.put(namespace, key, json.dumps(value, separators=(",", ":")).encode())


def _create_temporary(folder: Path) -> tuple[int, str]:
    """A new file (mode 0600) next to where a value goes, for an atomic `os.replace`.

    Named by process id and a counter, created with O_EXCL (never another writer's file);
    cheaper than `tempfile.mkstemp`, which matters when a push writes a thousand entries.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for attempt in range(100):
        temp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_TEMP_NAMES)}")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileNotFoundError:
            if attempt:
                raise
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            continue  # left behind by a process that had our id before
    raise FileExistsError(f"no free temporary name in {folder}")


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError as error:
        log.debug("cache: cannot remove temporary file %s: %s", path, error)
