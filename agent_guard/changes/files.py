"""Whole files as a ChangeSet, for `agent-guard check [PATH...]` (like `ruff check`).

Every tracked or untracked-but-not-ignored file under the given paths (the whole work tree
without paths) is presented as added in full, as it is on disk: the code and content checks
then judge all of its lines. The ChangeSet's kind is `files`, which tells the engine and
the checks there is no change to judge: no path, message or ref unit runs, and a dependency
list is not "new" (there is nothing before it to compare with).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from agent_guard.changes.git import Repository, fsdecode
from agent_guard.changes.model import ChangedFile, ChangeSet, Lines, Status
from agent_guard.changes.sources import blob_id
from agent_guard.errors import UsageError

KIND = "files"
REGULAR_MODE = "100644"
EXECUTABLE_MODE = "100755"


def file_changes(
    repo: Repository, paths: Sequence[str] = (), *, literal: bool = False
) -> ChangeSet:
    """The files under `paths` (relative to the work tree's root) as one ChangeSet.

    `literal`: the paths are exact file names (as the pre-commit framework passes them), so
    `*`, `[` or a leading `:` in a name are not pathspec magic.
    """
    if repo.root is None:
        raise UsageError("a bare repository has no files to check: use `agent-guard diff REV`")
    specs = [f":(literal){path}" for path in paths] if literal else list(paths)
    listed = repo.git.run(
        "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *specs
    )
    seen: set[str] = set()
    files: list[ChangedFile] = []
    for raw in listed.split(b"\0"):
        path = fsdecode(raw)
        if not path or path in seen:
            continue
        seen.add(path)
        changed = _as_added(repo, path)
        if changed is not None:
            files.append(changed)
    return ChangeSet(kind=KIND, files=tuple(files))


def _as_added(repo: Repository, path: str) -> ChangedFile | None:
    """A regular file, read from disk and hashed as git would (no filters); None for a
    symlink, a submodule, a directory or a file that is gone."""
    assert repo.root is not None
    target = repo.root / path
    try:
        info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode):
            return None
        data = target.read_bytes()
    except OSError:
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    mode = EXECUTABLE_MODE if info.st_mode & stat.S_IXUSR else REGULAR_MODE
    return ChangedFile(
        path,
        Status.ADDED,
        new_mode=mode,
        new_oid=blob_id(data, repo.object_format),
        added_lines=Lines.span(1, lines + 1),
    )


def relative_paths(repo: Repository, arguments: Sequence[Path], cwd: Path) -> list[str]:
    """Command-line paths (relative to `cwd`) as paths relative to the work tree's root."""
    assert repo.root is not None
    root = repo.root.resolve()
    relative: list[str] = []
    for argument in arguments:
        absolute = (cwd / argument).resolve()
        try:
            relative.append(absolute.relative_to(root).as_posix() or ".")
        except ValueError:
            raise UsageError(f"{argument}: outside the repository ({root})") from None
    return relative
