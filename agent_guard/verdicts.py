"""Which commits the server has already judged clean, per policy: judged once, free after.

The server judges every ref update on its own range (`changes.sources.ref_ranges`), whether
or not the commits are new to the repository, so fast-forwarding `main` to a branch pushed
earlier judges that branch's commits again, by main's policy. What a commit's own checks
(its paths, its blobs' added lines, its message) find depends only on the commit and the
policy, so a commit that had no finding at all under a policy needs no second look under
the same policy: this set remembers it, keyed by (commit id, policy fingerprint).

Only clean commits are kept: a commit with any finding (approved, suppressed, a warning) is
judged again, so its approval is decided again for the push at hand. This matters: an
approver's push approves that push (a policy removal pushed to a scratch branch is not
approved for main), while a signed approval travels with the commit and verifies again.
The net change of a ref (the code checks, the tip-to-tip change of a force push) is not
cached here: the per-blob result store keeps that cheap.

One text file per policy under `<git-dir>/agent-guard/verdicts-v1/`, a commit id per line,
appended (a line is written whole or the id is ignored). Written only by the server's own
hook (a push cannot write there); any OS error makes it a cache that remembers nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from agent_guard import __version__

log = logging.getLogger(__name__)

FOLDER = "verdicts-v1"


class VerdictCache:
    """The commits judged clean under one policy (an empty fingerprint: nothing is kept)."""

    def __init__(self, cache_dir: Path | None, fingerprint: str) -> None:
        self._file = (
            cache_dir / FOLDER / f"{__version__}-{fingerprint[:40]}"
            if cache_dir is not None and fingerprint
            else None
        )
        self._clean: set[str] | None = None
        self._new: list[str] = []

    def _load(self) -> set[str]:
        if self._clean is None:
            self._clean = set()
            if self._file is not None:
                try:
                    text = self._file.read_text(encoding="ascii", errors="replace")
                except OSError:
                    text = ""
                self._clean.update(line for line in text.split("\n") if len(line) in (40, 64))
        return self._clean

    def clean(self, oid: str) -> bool:
        return oid in self._load()

    def add(self, oids: Iterable[str]) -> None:
        known = self._load()
        for oid in oids:
            if oid not in known:
                known.add(oid)
                self._new.append(oid)

    def flush(self) -> None:
        if self._file is None or not self._new:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            with self._file.open("a", encoding="ascii") as stream:
                stream.write("".join(f"{oid}\n" for oid in self._new))
        except OSError as error:
            log.info("cannot record judged commits in %s: %s", self._file, error)
        self._new.clear()
