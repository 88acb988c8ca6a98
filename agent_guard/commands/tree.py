"""The files of the current tree, and which of them each protected pattern matches.

`agent-guard rules` and `init` show, for every protected pattern, the files it matches
today: a pattern that matches nothing protects nothing, and a team must see that before an
agent finds it out. The tree is what git would commit: tracked files and untracked ones it
does not ignore (so a virtualenv or node_modules in .gitignore is not listed); outside a
git repository, every file but the usual tool folders.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agent_guard.changes.git import fsdecode, open_repository
from agent_guard.errors import GitError
from agent_guard.policy.load import SKIPPED_DIRS
from agent_guard.policy.model import Policy
from agent_guard.report.escape import escape

SHOWN = 5  # paths listed per pattern; the count says how many more


@dataclass(frozen=True, slots=True)
class Coverage:
    """The files of the tree one protected pattern matches."""

    pattern: str
    count: int
    first: tuple[str, ...]  # the first SHOWN paths, sorted


def tree_paths(root: Path) -> list[str]:
    """Repository-relative paths of the files in the tree at `root`, sorted (none in a
    bare repository)."""
    try:
        repo = open_repository(root)
    except GitError:
        repo = None
    if repo is not None:
        if repo.root is None:
            return []  # a bare repository has no work tree
        out = repo.git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard")
        return sorted({fsdecode(raw) for raw in out.split(b"\0") if raw})
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        relative = Path(folder).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in files)
    return sorted(found)


def read_head(path: Path, size: int = 65536) -> bytes | None:
    """The first `size` bytes of a regular file; None for anything else or an error."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError:
        return None


def coverage(policy: Policy, paths: Sequence[str]) -> list[Coverage]:
    """For each protected pattern of `policy`, how many of `paths` it matches, and the first.

    Matched as the check matches a changed path: `ProtectedPath.globs` (every form of the
    module a pattern names), within the `include` / `exclude` the config gives
    protected-file.
    """
    settings = policy.checks.get("protected-file")
    kept = [path for path in paths if settings is None or settings.applies_to(path)]
    result: list[Coverage] = []
    for entry in policy.protected:
        hits = [path for path in kept if entry.globs.matches(path)]
        result.append(Coverage(entry.pattern, len(hits), tuple(hits[:SHOWN])))
    return result


def describe(entry: Coverage) -> str:
    """One line for a reader: `3 files: a, b, c` or a loud `MATCHES NOTHING` (file names
    escaped: a crafted one cannot forge lines or recolour the terminal)."""
    if not entry.count:
        return "MATCHES NOTHING in this tree: it protects no file yet"
    more = f", and {entry.count - len(entry.first)} more" if entry.count > len(entry.first) else ""
    noun = "file" if entry.count == 1 else "files"
    return f"{entry.count} {noun}: {', '.join(escape(path) for path in entry.first)}{more}"
