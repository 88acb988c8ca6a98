"""Where each blob's import list is kept across runs: one pack per run (results.py).

Whatever the policy, a blob's imports are the same, so the store is fingerprinted by the
extractor's version and the running Python (whose grammar decides what parses), not by the
policy.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from agent_guard.engine.results import FOLDER, ResultStore

log = logging.getLogger(__name__)


EXTRACTOR_VERSION = 1
CACHE_NAMESPACE = f"imports-v{EXTRACTOR_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}"


def import_store(cache_dir: Path | None) -> ResultStore:
    """The store of import lists under `cache_dir` (a no-op without one); `flush()` it."""
    return ResultStore(cache_dir, CACHE_NAMESPACE, folder=FOLDER)
