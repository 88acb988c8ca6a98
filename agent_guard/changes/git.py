"""All git access: one runner, repository discovery, one persistent object reader, tree readers.

Every git process agent-guard starts is started here (`subprocess` is imported nowhere else:
a boundary in the repository's own `.agent-guard.yaml` enforces it). Why plain subprocesses
and not GitPython: importing GitPython costs ~95 ms, more than all the checking of a typical
commit, everything here is a handful of plumbing calls, and GitPython starts git processes
of its own that would escape the options and environment below.

Rules every call follows:
- argv lists only, never a shell; revisions are resolved to hex ids before they reach a
  command line, and `--` (or `--end-of-options`) precedes anything a user typed;
- `GLOBAL_OPTIONS` on every call: `--no-replace-objects` above all (a `refs/replace/*` ref
  must not change what we read, signatures included), no pager, no optional index writes,
  and the config that would change what git prints pinned with `-c`;
- the environment is `environment()`: the caller's, so that what git hands to a hook
  reaches the git calls the hook makes, minus what would change a call behind its command
  line, plus a fixed locale and no prompts (see `environment` for the list and why);
- stdin is /dev/null unless the call has input: no git call reads a hook's own stdin;
- a failure becomes one `GitError` line (git's own first line of stderr).

Blobs are read through ONE `git cat-file --batch` process per run (`BatchObjectReader`): 20
blobs cost ~4 ms that way and ~37 ms as 20 processes. Many objects are requested together
(`read_objects`: a window of names per write, then their answers), since one round trip per
object was most of a 1,000-commit push. Big blobs are skipped in bounded chunks instead of
being held in memory (`BlobTooLarge`).
"""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, NamedTuple, Self

from agent_guard.changes.model import TreeEntry
from agent_guard.errors import GitError

log = logging.getLogger(__name__)

GIT = "git"
# Options for every invocation, each for a reason:
GLOBAL_OPTIONS: tuple[str, ...] = (
    # a pushed refs/replace/* must not change what we read (an unsigned commit must not read
    # as an approver's signed one); git exports it to the git processes it starts, too
    "--no-replace-objects",
    "--no-pager",
    # reading never refreshes or rewrites the index as a side effect (hooks never modify it)
    "--no-optional-locks",
    "-c",
    "core.quotePath=true",  # predictable patch headers (see diffparse)
    "-c",
    "core.fsmonitor=false",  # no configured program runs when git reads the index
    "-c",
    "log.showSignature=false",  # `git log` prints what --format says, nothing more
    "-c",
    "diff.submodule=short",  # a gitlink's patch as diffparse expects it
    # A push's `git log -p` and its long-lived `cat-file` read every blob of the push; with
    # git's default 96 MiB cache of delta bases each grew to ~180 MiB (sympy: a 1,000 and a
    # 10,000-commit push). 16 MiB keeps each near 90 MiB, mostly the mapped pack, at no
    # measurable cost in time (benchmarks/push_scale.py, push_time.py).
    "-c",
    "core.deltaBaseCacheLimit=16m",
)
# Variables of the caller's environment that change a call behind its command line, removed:
# GIT_DIFF_OPTS overrides -U0 (every "added line" would come with context lines);
# GIT_EXTERNAL_DIFF and GIT_REPLACE_REF_BASE are already defeated by --no-ext-diff and
# --no-replace-objects and go too, in case a call ever lacks the flag.
_UNSET_ENV = ("GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF", "GIT_REPLACE_REF_BASE")
# Set on every call: messages in English (errors are matched, e.g. "not a git repository";
# gettext ignores LANGUAGE under C), and never a prompt for credentials.
_FIXED_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
MAX_BLOB_SIZE = 8 * 1024 * 1024  # bigger blobs are path-checked only
_CHUNK = 1 << 16
_WINDOW = 256  # object requests in flight at once (see BatchObjectReader.read_objects)
HEX = frozenset("0123456789abcdef")


def is_oid(text: str, length: int | None = None) -> bool:
    """True for a full lowercase hex object id (of `length` characters when given)."""
    return len(text) in ((length,) if length else (40, 64)) and set(text) <= HEX


def fsdecode(raw: bytes) -> str:
    """A path from git: UTF-8, with undecodable bytes kept as surrogates (round-trips)."""
    return raw.decode("utf-8", "surrogateescape")


def fsencode(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def _first_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "git failed"
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines)[0]


def environment() -> dict[str, str]:
    """The environment of every git call: the caller's, minus `_UNSET_ENV`, plus `_FIXED_ENV`.

    Inherited on purpose, because git hands its hooks what their own git calls need:
    GIT_DIR / GIT_WORK_TREE / GIT_COMMON_DIR (which repository); GIT_INDEX_FILE (pre-commit
    of `git commit -a` or of a partial commit sees a temporary index, not .git/index);
    GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES and GIT_QUARANTINE_PATH (in
    pre-receive the pushed objects exist only in the quarantine); GIT_NAMESPACE. Also kept:
    GIT_CONFIG_PARAMETERS and GIT_CONFIG_COUNT/KEY_n/VALUE_n, through which hosts pass
    settings to hooks (our `-c` options come later on the command line and win over them);
    GIT_CONFIG_GLOBAL/SYSTEM/NOSYSTEM and HOME (the user's identity and signing setup);
    GNUPGHOME (whose keyring judges a GPG signature), SSH_AUTH_SOCK and GPG_TTY (signing in
    `approve`), PATH (git, gpg, ssh-keygen), and GIT_TRACE* for debugging. Computed per
    call (a copy of a small dict): a test or a caller may change os.environ in between.
    """
    env = {name: value for name, value in os.environ.items() if name not in _UNSET_ENV}
    env.update(_FIXED_ENV)
    return env


class Completed(NamedTuple):
    """A finished git command: exit code and both outputs, as bytes."""

    code: int
    stdout: bytes
    stderr: bytes


class Git(NamedTuple):
    """Runs git in `cwd` with `GLOBAL_OPTIONS` and `environment()`: the one git runner."""

    cwd: Path

    def argv(self, args: Sequence[str]) -> list[str]:
        return [GIT, *GLOBAL_OPTIONS, *args]

    def call(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> Completed:
        """Run one git command to completion, whatever its exit code (the caller judges it).

        `env` adds variables to `environment()` for this call only (`approve --amend` keeps
        the amended commit's author with GIT_AUTHOR_*); nothing in it can undo the fixed ones.
        """
        log.debug("git %s", " ".join(args))
        try:
            result = subprocess.run(
                self.argv(args),
                cwd=self.cwd,
                input=input,
                stdin=subprocess.DEVNULL if input is None else None,
                capture_output=True,
                env={**environment(), **(env or {}), **_FIXED_ENV},
                check=False,
            )
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        return Completed(result.returncode, result.stdout, result.stderr)

    def run(self, *args: str, input: bytes | None = None, ok_codes: Sequence[int] = (0,)) -> bytes:
        """Run one git command to completion and return its stdout; raise GitError on failure."""
        result = self.call(*args, input=input)
        if result.code not in ok_codes:
            raise GitError(_first_line(result.stderr))
        return result.stdout

    def config(self, key: str) -> str | None:
        """A config value as git resolves it (every scope, includes, `-c`); None when unset.

        An unreadable config counts as unset, as it did for every caller before: the value
        is a preference (a comment character, a signers file, an identity), never a check.
        """
        result = self.call("config", "--get", key)
        value = fsdecode(result.stdout).strip() if result.code == 0 else ""
        return value or None

    def git_path(self, name: str) -> Path:
        """`git rev-parse --git-path NAME`: where git keeps NAME (respects core.hooksPath)."""
        return self.cwd / fsdecode(self.run("rev-parse", "--git-path", name).rstrip(b"\n"))

    @contextmanager
    def stream(self, *args: str, input: bytes | None = None) -> Iterator[IO[bytes]]:
        """Run git with stdout as a pipe to read incrementally; check its exit at the end.

        `input` is written by a helper thread so neither side can block on a full pipe.
        """
        log.debug("git %s (stream)", " ".join(args))
        try:
            process = subprocess.Popen(
                self.argv(args),
                cwd=self.cwd,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environment(),
            )
        except OSError as error:
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        assert process.stdout is not None and process.stderr is not None
        writer = _Pump(process.stdin, input) if process.stdin is not None else None
        stderr_reader = _Pump(process.stderr, None)
        completed = False
        try:
            yield process.stdout
            completed = True
        finally:
            if not completed:
                process.kill()
            process.stdout.close()
            code = process.wait()
            if writer is not None:
                writer.join()
            stderr_reader.join()
        if code != 0:
            raise GitError(_first_line(stderr_reader.result))

    def spool(self, *args: str, input: bytes | None = None) -> Spooled:
        """Start git with its stdout going to an anonymous temporary file, read once git is
        done (`Spooled.output`).

        So git runs ahead of its reader, with no pipe to fill up, and the output waits in
        the page cache, not in this process: a caller starts the next `git log` while it
        parses the last one's output.
        """
        import tempfile

        log.debug("git %s (spooled)", " ".join(args))
        out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to `Spooled`, which closes it)
        try:
            process = subprocess.Popen(
                self.argv(args),
                cwd=self.cwd,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.PIPE,
                env=environment(),
            )
        except OSError as error:
            out.close()
            raise GitError(f"cannot run git: {error.strerror or error}") from None
        assert process.stderr is not None
        writer = _Pump(process.stdin, input) if process.stdin is not None else None
        return Spooled(process, out, writer, _Pump(process.stderr, None))


class Spooled:
    """A git process writing its output to a temporary file (`Git.spool`)."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        out: IO[bytes],
        writer: _Pump | None,
        errors: _Pump,
    ) -> None:
        self._process = process
        self._out = out
        self._writer = writer
        self._errors = errors

    def _wait(self) -> int:
        code = self._process.wait()
        if self._writer is not None:
            self._writer.join()
        self._errors.join()
        return code

    @contextmanager
    def output(self) -> Iterator[IO[bytes]]:
        """Wait for git, then its whole output from the start (GitError if git failed); the
        file is gone after."""
        try:
            code = self._wait()
            if code != 0:
                raise GitError(_first_line(self._errors.result))
            self._out.seek(0)
            yield self._out
        finally:
            self._out.close()

    def close(self) -> None:
        """Stop git if it still runs and drop its output (its reader gave up)."""
        if self._process.poll() is None:
            self._process.kill()
        self._wait()
        self._out.close()


class _Pump:
    """A helper thread that feeds git's stdin or drains its stderr, so no pipe fills up."""

    def __init__(self, pipe: IO[bytes], data: bytes | None) -> None:
        import threading

        self.result = b""
        self._pipe = pipe
        self._data = data
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if self._data is None:
                self.result = self._pipe.read()[-4096:]
            else:
                self._pipe.write(self._data)
        except BrokenPipeError:
            log.debug("git closed its input early")
        finally:
            try:
                self._pipe.close()
            except BrokenPipeError:
                log.debug("git closed its input early")

    def join(self) -> None:
        self._thread.join()


@dataclass(frozen=True, slots=True)
class Repository:
    """A discovered repository: where it is, whether it is bare, and its hash function."""

    git: Git
    git_dir: Path
    root: Path | None  # the top of the work tree; None for a bare repository
    object_format: str  # "sha1" | "sha256"
    _empty_tree: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def hash_length(self) -> int:
        return 64 if self.object_format == "sha256" else 40

    @property
    def zero_oid(self) -> str:
        return "0" * self.hash_length

    @property
    def bare(self) -> bool:
        return self.root is None

    @property
    def cache_dir(self) -> Path:
        """Where agent-guard keeps its caches: `<git-dir>/agent-guard/` (created on demand)."""
        return self.git_dir / "agent-guard"

    @property
    def empty_tree(self) -> str:
        """The id of the empty tree in this repository's hash (the base of a first commit)."""
        if not self._empty_tree:
            out = self.git.run("hash-object", "-t", "tree", os.devnull)
            self._empty_tree.append(out.decode().strip())
        return self._empty_tree[0]

    def objects(self, max_blob_size: int = MAX_BLOB_SIZE) -> BatchObjectReader:
        return BatchObjectReader(self.git, max_blob_size=max_blob_size)


def open_repository(path: Path | str = ".") -> Repository:
    """Discover the repository containing `path` (work tree, its .git, or a bare repository)."""
    start = Path(path)
    git = Git(start)
    try:
        out = git.run(
            "rev-parse",
            "--is-bare-repository",
            "--is-inside-work-tree",
            "--show-object-format",
            "--show-cdup",
            "--absolute-git-dir",
        )
    except GitError as error:
        if "not a git repository" in error.message:
            where = start.resolve()
            raise GitError(f"not a git repository (nor any parent folder): {where}") from None
        raise
    lines = fsdecode(out).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    bare = lines[0] == "true"
    inside = lines[1] == "true"
    object_format = lines[2]
    rest = lines[3:]
    root: Path | None = None
    if inside:
        root = (start / rest[0]).resolve() if rest[0] else start.resolve()
        rest = rest[1:]
    git_dir = Path("\n".join(rest))
    if bare:
        root = None
    return Repository(Git(root or start), git_dir, root, object_format)


class BlobTooLarge(Exception):
    """A blob bigger than the reader's limit: checked by path only, never held in memory."""

    def __init__(self, oid: str, size: int) -> None:
        super().__init__(f"{oid}: {size} bytes")
        self.oid = oid
        self.size = size


class _Answer(NamedTuple):
    """One object as `cat-file --batch` answers: `data` is None when it was over the limit."""

    oid: str
    kind: str
    size: int
    data: bytes | None


class BatchObjectReader:
    """ONE persistent `git cat-file --batch` process: read objects by id, in order, on demand.

    Use as a context manager (or call `close`). Requests are object ids (hex, validated) or
    the fixed name `HEAD`, never user text: a name with a newline would break the protocol.
    """

    def __init__(self, git: Git, *, max_blob_size: int = MAX_BLOB_SIZE) -> None:
        self._git = git
        self._process: subprocess.Popen[bytes] | None = None
        self.max_blob_size = max_blob_size
        self.requests = 0
        self._pending = False  # answers requested by read_objects and not read yet

    def fresh(self) -> BatchObjectReader:
        """A new reader of the same repository, with its own cat-file (for a forked worker)."""
        return BatchObjectReader(self._git, max_blob_size=self.max_blob_size)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None and self._process is not None:
            # Leaving on an error (a time budget, git hung): do not wait for git to finish.
            self._process.kill()
        self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.close()
        except BrokenPipeError:
            log.debug("cat-file already exited")
        process.stdout.close()
        process.wait()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    self._git.argv(["cat-file", "--batch"]),
                    cwd=self._git.cwd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=environment(),
                )
            except OSError as error:
                raise GitError(f"cannot run git: {error.strerror or error}") from None
        return self._process

    def _request(self, names: Sequence[str]) -> subprocess.Popen[bytes]:
        """Send requests for `names` (validated: a name with a newline would break the protocol)."""
        for name in names:
            if name != "HEAD" and not is_oid(name):
                raise GitError(f"not an object id: {name!r}")
        if self._pending:
            raise RuntimeError("cat-file reader used while a batch read is in progress")
        process = self._start()
        assert process.stdin is not None
        self.requests += len(names)
        try:
            process.stdin.write("".join(f"{name}\n" for name in names).encode())
            process.stdin.flush()
        except BrokenPipeError:
            raise GitError("git cat-file exited unexpectedly") from None
        return process

    def _receive(self, process: subprocess.Popen[bytes], max_size: int | None) -> _Answer | None:
        """The next answer on the pipe: None for a missing object; data None when too large."""
        assert process.stdout is not None
        header = process.stdout.readline()
        if not header:
            raise GitError("git cat-file exited unexpectedly")
        parts = header.split()
        if len(parts) == 2 and parts[1] in (b"missing", b"ambiguous"):
            return None
        if len(parts) != 3:
            raise GitError(f"unexpected cat-file output: {header[:80]!r}")
        try:
            oid, kind, size = parts[0].decode(), parts[1].decode(), int(parts[2])
        except (UnicodeDecodeError, ValueError):
            raise GitError(f"unexpected cat-file output: {header[:80]!r}") from None
        if max_size is not None and size > max_size:
            remaining = size + 1
            while remaining:
                chunk = process.stdout.read(min(remaining, _CHUNK))
                if not chunk:  # git died mid-object: never spin on a closed pipe
                    raise GitError("git cat-file exited unexpectedly")
                remaining -= len(chunk)
            return _Answer(oid, kind, size, None)
        data = process.stdout.read(size)
        if len(data) != size or process.stdout.read(1) != b"\n":
            # git died mid-object: a truncated blob must not be checked as if it were whole
            raise GitError("git cat-file exited unexpectedly")
        return _Answer(oid, kind, size, data)

    def read_object(self, name: str, max_size: int | None = None) -> tuple[str, str, bytes] | None:
        """(id, type, content) of an object, or None when it does not exist.

        Raises BlobTooLarge (after skipping the content) when it is bigger than `max_size`.
        """
        answer = self._receive(self._request([name]), max_size)
        if answer is None:
            return None
        if answer.data is None:
            raise BlobTooLarge(name, answer.size)
        return answer.oid, answer.kind, answer.data

    def read_objects(
        self, names: Iterable[str], max_size: int | None = None
    ) -> Iterator[tuple[str, _Answer | None]]:
        """(name, answer) for each name, in order, pipelined: many requests per round trip.

        One request and one answer at a time costs a round trip per object (~1 ms on a busy
        machine: most of a 1,000-commit push). Here up to `_WINDOW` names are written at
        once, then their answers read. A window of names (<= 65 bytes each) fits any pipe
        buffer, so writing it never blocks while git waits for us to read. The reader must
        not be used for anything else until this iterator is exhausted or closed (closing it
        early drains the answers already requested).
        """
        batch = iter(names)
        process: subprocess.Popen[bytes] | None = None
        unread = 0
        try:
            while window := list(itertools.islice(batch, _WINDOW)):
                process = self._request(window)
                unread = len(window)
                self._pending = True
                for name in window:
                    answer = self._receive(process, max_size)
                    unread -= 1
                    self._pending = unread > 0
                    yield name, answer
        except GeneratorExit:
            while unread and process is not None:
                self._receive(process, 0)
                unread -= 1
            self._pending = False
            raise

    def read_blobs(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None, int]]:
        """(oid, content, size) of each blob, pipelined; content None when over the limit."""
        for oid, answer in self.read_objects(oids, self.max_blob_size):
            if answer is None:
                raise GitError(f"object {oid} is missing")
            yield oid, answer.data, answer.size

    def stream_blob(self, oid: str, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        """The content of an object of any size, in chunks of at most `chunk_size` bytes.

        For blobs over `max_blob_size`, which content checks still read (a secret in a 50 MB
        file is still a secret) without holding them in memory. GitError when missing. The
        reader must not be used for anything else until the iterator is exhausted or closed
        (closing it early drains the rest of the object).
        """
        process = self._request([oid])
        assert process.stdout is not None
        header = process.stdout.readline()
        parts = header.split()
        if len(parts) != 3:
            raise GitError(f"object {oid} is missing" if header else "git cat-file exited")
        remaining = int(parts[2]) + 1  # the content, then git's newline
        self._pending = True
        try:
            while remaining:
                chunk = process.stdout.read(min(remaining, chunk_size))
                if not chunk:  # git died mid-object: never spin on a closed pipe
                    raise GitError("git cat-file exited unexpectedly")
                remaining -= len(chunk)
                yield chunk[:-1] if not remaining else chunk
        finally:
            while remaining:  # closed early: drain, so the next answer starts on a header
                chunk = process.stdout.read(min(remaining, _CHUNK))
                if not chunk:
                    break
                remaining -= len(chunk)
            self._pending = False

    def read_blob(self, oid: str) -> bytes:
        """The content of a blob; GitError when missing, BlobTooLarge beyond the limit."""
        found = self.read_object(oid, self.max_blob_size)
        if found is None:
            raise GitError(f"object {oid} is missing")
        return found[2]

    def exists(self, name: str) -> bool:
        """Whether the object exists (its content, if any, is skipped, not read)."""
        return all(answer is not None for _, answer in self.read_objects([name], 0))

    def resolve_commit(self, name: str) -> str | None:
        """Peel `name` (an id or HEAD) through annotated tags to a commit id; None otherwise."""
        current = name
        for _ in range(32):  # tags of tags of ... bounded
            found = self.read_object(current)
            if found is None:
                return None
            oid, kind, data = found
            if kind == "commit":
                return oid
            if kind != "tag":
                return None
            first = data.split(b"\n", 1)[0]
            if not first.startswith(b"object "):
                return None
            current = first[7:].decode()
        return None


def _regular(mode: str) -> bool:
    return mode in ("100644", "100755", "100664")


class CommitTreeReader:
    """The files of one commit or tree (`git ls-tree -r -z`), listed once, read lazily."""

    def __init__(self, git: Git, objects: BatchObjectReader, treeish: str) -> None:
        self._git = git
        self._objects = objects
        self._treeish = treeish
        self._entries: dict[str, TreeEntry] | None = None

    def _load(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            out = self._git.run("ls-tree", "-r", "-z", "--full-tree", self._treeish)
            self._entries = _tree_entries(out, index=False)
        return self._entries

    def paths(self) -> tuple[str, ...]:
        return tuple(self._load())

    def entry(self, path: str) -> TreeEntry | None:
        return self._load().get(path)

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        """`read` of many paths in one pipelined cat-file batch (one round trip, not one each)."""
        entries = self._load()
        found: dict[str, bytes | None] = {}
        wanted: dict[str, list[str]] = {}
        for path in paths:
            entry = entries.get(path)
            if entry is None or not _regular(entry.mode):
                found[path] = None
            else:
                wanted.setdefault(entry.oid, []).append(path)
        answers = list(self._objects.read_objects(wanted, self._objects.max_blob_size))
        for oid, answer in answers:
            if answer is None:
                raise GitError(f"object {oid} is missing")
            for path in wanted[oid]:
                found[path] = answer.data  # None when over the size limit, like `read`
        return found

    def read(self, path: str) -> bytes | None:
        """A regular file's content; None for a missing path, a symlink or a submodule."""
        entry = self._load().get(path)
        if entry is None or not _regular(entry.mode):
            return None
        try:
            return self._objects.read_blob(entry.oid)
        except BlobTooLarge:
            return None


def _tree_entries(out: bytes, *, index: bool) -> dict[str, TreeEntry]:
    """Path -> entry from `ls-tree -r -z` (`mode type oid<TAB>path`) or, with `index`,
    `ls-files -s -z` (`mode oid stage<TAB>path`; conflicted paths, stage > 0, have no
    single content yet and are left out)."""
    entries: dict[str, TreeEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        first, second, third = meta.decode().split(" ")
        if index and third != "0":
            continue
        entries[fsdecode(path)] = TreeEntry(first, second if index else third)
    return entries


class IndexTreeReader(CommitTreeReader):
    """The files of the index (`git ls-files -s -z`): what the next commit will contain."""

    def __init__(self, git: Git, objects: BatchObjectReader) -> None:
        super().__init__(git, objects, ":")

    def _load(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            self._entries = _tree_entries(self._git.run("ls-files", "-s", "-z"), index=True)
        return self._entries


class WorktreeReader:
    """The files of the work tree (tracked paths as listed by the index, read from disk)."""

    def __init__(self, git: Git, root: Path) -> None:
        self._git = git
        self._root = root
        self._paths: tuple[str, ...] | None = None

    def paths(self) -> tuple[str, ...]:
        if self._paths is None:
            out = self._git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard")
            self._paths = tuple(dict.fromkeys(fsdecode(p) for p in out.split(b"\0") if p))
        return self._paths

    def read(self, path: str) -> bytes | None:
        target = self._root / path
        if target.is_symlink() or not target.is_file():
            return None
        if target.stat().st_size > MAX_BLOB_SIZE:
            return None
        return target.read_bytes()

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        return {path: self.read(path) for path in paths}

    def entry(self, path: str) -> TreeEntry | None:
        """None: a work-tree file has no blob id until it is read and hashed."""
        return None
