"""Benchmark corpora built from real code available offline, cached under benchmarks/.work.

Two sources of real code:

- the Python standard library's own sources (`sysconfig.get_paths()["stdlib"]`): a set of
  pure-Python packages is imported into a fresh git repository, then a history is
  *replayed* on it. Every module is cut into its top-level statements (the real chunks a
  developer adds and removes: a function, a class, an import block); the first commit
  holds about half of the chunks of every file, and each later commit toggles one to three
  chunks in two to four files — adding real code back or removing it, anywhere in the
  file, with a message naming what changed. Every version of every file is real stdlib
  code that parses. The history is written with one `git fast-import` stream, so 10,000
  commits take seconds, not minutes.
- any git repository given by path (`--repo PATH` in run.py): its real history is used
  as it is.

Workloads built on a history repository:

- `push_setup(history, commits)`: a bare repository holding every object, whose
  `refs/heads/main` is set back `commits` commits, plus the pre-receive stdin line
  `<old> <new> refs/heads/main` that pushing the rest would produce.
- `staged_change(history, files=20)`: a clone whose index holds a 20-file change to real
  code — each file goes from the version before its last real edit to its tip version.

Every corpus lives under `benchmarks/.work/corpora/<name>` with a stamp of its parameters;
asking again for the same corpus returns the cached one at once.
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
CORPORA = BENCHMARKS / ".work" / "corpora"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SEED_RULE_FILE = ROOT / "tests" / "data" / "seed.mdc"

# Pure-Python stdlib packages: about 230 modules, 3.5 MB of real, varied code.
DEFAULT_PACKAGES: tuple[str, ...] = (
    "asyncio", "collections", "concurrent", "ctypes", "curses", "dbm", "email", "html",
    "http", "importlib", "json", "logging", "multiprocessing", "re", "sqlite3", "tomllib",
    "unittest", "urllib", "wsgiref", "xml", "xmlrpc", "zipfile", "zoneinfo",
)  # fmt: skip
MAX_FILE_BYTES = 150_000
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
CORPUS_VERSION = "1"  # bump when the way corpora are built changes


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    """Run git in `cwd` with an isolated config; return stdout (raises on failure)."""
    import os

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {cwd}: {done.stderr.decode().strip()}")
    return done.stdout.decode("utf-8", "surrogateescape")


# --- the policy every corpus carries ---------------------------------------------------------


def policy_files() -> dict[str, bytes]:
    """The policy committed into every corpus: the seed rule file, with no config.

    With no `.agent-guard.yaml` the rule file alone decides which checks run (the
    defaults a new user gets), and the corpus does not change when the examples do.
    """
    return {".cursor/rules/backend.mdc": SEED_RULE_FILE.read_bytes()}


# --- chunked stdlib modules ------------------------------------------------------------------


@dataclass
class ChunkedModule:
    """A real module cut into top-level statements; `keep` chunks are always present."""

    path: str
    chunks: list[bytes]
    names: list[str]
    keep: frozenset[int]

    def render(self, present: set[int]) -> bytes:
        return b"".join(c for i, c in enumerate(self.chunks) if i in present or i in self.keep)


def _chunk(path: str, source: bytes) -> ChunkedModule | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    lines = source.splitlines(keepends=True)
    chunks: list[bytes] = []
    names: list[str] = []
    keep: set[int] = set()
    start = 0
    for index, node in enumerate(tree.body):
        end = node.end_lineno or node.lineno
        chunks.append(b"".join(lines[start:end]))
        names.append(getattr(node, "name", type(node).__name__.lower()))
        is_docstring = index == 0 and isinstance(node, ast.Expr)
        is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if is_docstring or is_future:
            keep.add(index)
        start = end
    if start < len(lines):
        tail = b"".join(lines[start:])
        if chunks:
            chunks[-1] += tail
        else:
            chunks.append(tail)
            names.append("tail")
    return ChunkedModule(path, chunks, names, frozenset(keep))


def stdlib_modules(packages: Sequence[str] = DEFAULT_PACKAGES) -> list[ChunkedModule]:
    """Every parseable, not-too-large module of the packages, chunked; stable order."""
    modules: list[ChunkedModule] = []
    for package in packages:
        base = STDLIB / package
        for file in sorted(base.rglob("*.py")):
            if {"test", "tests", "__pycache__"} & set(file.relative_to(STDLIB).parts):
                continue
            data = file.read_bytes()
            if len(data) > MAX_FILE_BYTES:
                continue
            module = _chunk(f"lib/{file.relative_to(STDLIB).as_posix()}", data)
            if module is not None and len(module.chunks) >= 2:
                modules.append(module)
    return modules


# --- the replayed history, written with git fast-import ----------------------------------------


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _stamp(path: Path, params: dict[str, object]) -> bool:
    """True when `path` holds a corpus built with exactly `params` (and this Python)."""
    stamp = _stamp_file(path)
    return stamp.is_file() and json.loads(stamp.read_text()) == _params(params)


def _params(params: dict[str, object]) -> dict[str, object]:
    return {**params, "version": CORPUS_VERSION, "python": sys.version}


def _stamp_file(path: Path) -> Path:
    """Inside .git for a work tree (so `git status` stays clean), at the top of a bare repo."""
    return (path / ".git" if (path / ".git").is_dir() else path) / "bench-corpus.json"


def _write_stamp(path: Path, params: dict[str, object]) -> None:
    _stamp_file(path).write_text(json.dumps(_params(params)))


def stdlib_history(
    commits: int, *, packages: Sequence[str] = DEFAULT_PACKAGES, seed: int = 8
) -> Path:
    """A non-bare repo: one import commit of the stdlib packages + `commits` replayed edits.

    Returns the repository path; cached by (commits, packages, seed).
    """
    params: dict[str, object] = {"commits": commits, "packages": list(packages), "seed": seed}
    name = f"stdlib-{commits}-{hashlib.sha1(repr(params).encode()).hexdigest()[:8]}"
    path = CORPORA / name
    if _stamp(path, params):
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main", ".")

    rng = random.Random(seed)
    modules = stdlib_modules(packages)
    present = [
        {i for i in range(len(m.chunks)) if i in m.keep or rng.random() < 0.6} for m in modules
    ]
    when = 1_700_000_000
    stream = bytearray()

    def commit(mark: int, message: str, changes: list[tuple[str, bytes]]) -> None:
        nonlocal when
        when += 600
        stream.extend(b"commit refs/heads/main\nmark :%d\n" % mark)
        stream.extend(b"author Bench <bench@example.com> %d +0000\n" % when)
        stream.extend(b"committer Bench <bench@example.com> %d +0000\n" % when)
        stream.extend(_data(message.encode()))
        if mark > 1:
            stream.extend(b"from :%d\n" % (mark - 1))
        for file, content in changes:
            stream.extend(b"M 100644 inline " + file.encode() + b"\n" + _data(content))

    initial = [(m.path, m.render(p)) for m, p in zip(modules, present, strict=True)]
    initial += sorted(policy_files().items())
    commit(1, "Import the standard library packages", initial)
    for index in range(commits):
        touched: list[tuple[str, bytes]] = []
        what: list[str] = []
        for number in rng.sample(range(len(modules)), rng.randint(2, 4)):
            module, state = modules[number], present[number]
            toggleable = [i for i in range(len(module.chunks)) if i not in module.keep]
            if not toggleable:
                continue
            for chunk in rng.sample(toggleable, min(len(toggleable), rng.randint(1, 3))):
                state ^= {chunk}
                verb = "Add" if chunk in state else "Remove"
                what.append(f"{verb} {module.names[chunk]} in {module.path}")
            touched.append((module.path, module.render(state)))
        message = f"{what[0]}\n\n" + "\n".join(f"- {w}" for w in what) + "\n"
        commit(index + 2, message, touched)
    git(path, "fast-import", "--quiet", "--done", input=bytes(stream) + b"done\n")
    git(path, "reset", "-q", "--hard", "main")
    _write_stamp(path, params)
    return path


def commits_of(repo: Path, ref: str = "main") -> list[str]:
    """The first-parent commits of `ref`, oldest first."""
    return git(repo, "rev-list", "--first-parent", "--reverse", ref).split()


# --- workloads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """A bare server repository and the pre-receive input for pushing `commits` commits."""

    bare: Path
    old: str
    new: str
    ref: str
    commits: int

    @property
    def stdin(self) -> bytes:
        return f"{self.old} {self.new} {self.ref}\n".encode()


def server(history: Path) -> Path:
    """A bare copy of `history` with every object (cached; its refs are moved by pushes)."""
    bare = CORPORA / f"{history.name}-server.git"
    tip = git(history, "rev-parse", "HEAD").strip()
    params: dict[str, object] = {"history": str(history), "tip": tip}
    if not _stamp(bare, params):
        shutil.rmtree(bare, ignore_errors=True)
        git(CORPORA, "clone", "-q", "--bare", "--no-local", str(history), str(bare))
        _write_stamp(bare, params)
    return bare


def push_setup(history: Path, commits: int) -> Push:
    """The server of `history` with its main set `commits` first-parent commits behind.

    The objects of the pushed commits are already in the repository, as they are (in the
    quarantine directory) when git runs pre-receive; only the ref is behind. Calling this
    again moves the ref, so one server serves every push size in turn.
    """
    chain = commits_of(history)
    if commits >= len(chain):
        raise ValueError(f"{history} has {len(chain)} commits; cannot push {commits}")
    old, new = chain[-commits - 1], chain[-1]
    bare = server(history)
    git(bare, "update-ref", "refs/heads/main", old)
    return Push(bare=bare, old=old, new=new, ref="refs/heads/main", commits=commits)


def _last_changes(repo: Path, files: int) -> list[tuple[str, str]]:
    """(path, commit) of the latest edit of `files` .py paths whose latest edit added code.

    A change that mostly adds lines is what a pre-commit hook typically sees (and what
    the changed-line filter has to work on), so paths last edited by a removal are skipped.
    """
    log = git(repo, "log", "--first-parent", "--format=%x00%H", "--numstat", "--diff-filter=M")
    seen: set[str] = set()
    found: dict[str, str] = {}
    for record in log.split("\0")[1:]:
        head, *stats = record.strip().split("\n")
        for stat in filter(None, stats):
            added, deleted, file = stat.split("\t", 2)
            if file in seen:
                continue
            seen.add(file)
            if file.endswith(".py") and added != "-" and int(added) > int(deleted):
                found[file] = head
        if len(found) >= files:
            break
    return list(found.items())[:files]


def staged_change(history: Path, files: int = 20) -> Path:
    """A clone of `history` whose index holds a `files`-file change to real Python code.

    For each of the last `files` modified .py paths, the clone's HEAD gets the version
    from before that path's last edit (one commit), then the tip version is written back
    and staged — a real edit, added lines and all, of real code.
    """
    path = CORPORA / f"{history.name}-staged-{files}"
    tip = git(history, "rev-parse", "HEAD").strip()
    params: dict[str, object] = {"history": str(history), "tip": tip, "files": files}
    if _stamp(path, params):
        return path
    shutil.rmtree(path, ignore_errors=True)
    git(CORPORA, "clone", "-q", "--no-local", str(history), str(path))
    changes = _last_changes(path, files)
    for file, commit in changes:
        (path / file).write_bytes(git_bytes(path, "cat-file", "blob", f"{commit}^:{file}"))
    git(path, "add", "--", *(f for f, _ in changes))
    git(path, "commit", "-q", "-m", "Older versions of the files to change")
    git(path, "checkout", "-q", tip, "--", *(f for f, _ in changes))
    _write_stamp(path, params)
    git(path, "update-index", "-q", "--refresh")
    return path


def git_bytes(cwd: Path, *args: str) -> bytes:
    import os

    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, check=True, env={**os.environ, **GIT_ENV}
    ).stdout


def external_history(repo: Path) -> Path:
    """Use an existing git repository's real history (given by path) as a history corpus."""
    repo = repo.resolve()
    git(repo, "rev-parse", "--git-dir")
    return repo


if __name__ == "__main__":
    import time

    for count in (int(a) for a in (sys.argv[1:] or ["1000"])):
        start = time.perf_counter()
        repo = stdlib_history(count)
        print(f"{repo}: {len(commits_of(repo))} commits in {time.perf_counter() - start:.1f}s")
        start = time.perf_counter()
        staged = staged_change(repo)
        print(f"{staged}: staged change in {time.perf_counter() - start:.1f}s")
