"""Ways to break an on-disk cache, shared by the tests that prove a broken cache only costs time."""

from __future__ import annotations

import shutil
from pathlib import Path

DAMAGES = ("truncate", "flip", "garbage", "folder-is-a-file")


def damage_store(folder: Path, how: str) -> None:
    """Break the store in `folder` (one pack file in it) the way `how` names."""
    if how == "folder-is-a-file":
        shutil.rmtree(folder)
        folder.write_bytes(b"not a folder")
        return
    [pack] = folder.glob("pack-*.pack")
    data = pack.read_bytes()
    if how == "truncate":
        pack.write_bytes(data[: len(data) // 2])
    elif how == "flip":
        pack.write_bytes(data[:-10] + bytes(b ^ 0xFF for b in data[-10:]))
    elif how == "garbage":
        pack.write_bytes(b"\0" * len(data))
    else:
        raise ValueError(f"unknown damage {how!r}")
