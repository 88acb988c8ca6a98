"""Build a ChangeSet from each source: staged, work tree, a revision range, a push.

Every source costs a constant number of git processes, however many commits or files it
covers: the net change is one `diff-index`/`diff-tree`, the commits of a range or push are
one `git log --cc --stdin` stream per 1,000 commits parsed incrementally (commits seen by an
earlier run are read from the result store instead), and every object (commit messages,
blobs, tags) is read through the one `cat-file --batch` reader the caller passes in.

Semantics (see docs/reports.md):
- staged: the index against HEAD (the empty tree before the first commit); content is the
  index's, never the work tree's.
- work tree: tracked files on disk against HEAD (untracked files are not part of it).
- `A..B`: commits reachable from B and not from A; net change = tree of A -> tree of B.
- `A...B`: the same commits (B's side since the merge base); net change = merge-base -> B.
- `REV`: that one commit against its parent(s).
- push: per ref, the commits new to the repository (`rev-list NEW --not --all`, or the
  exclusions the caller gives, e.g. `--remotes=origin` for pre-push); net change = the
  ref's old tip (or, for a new ref, where its new history forks from known history) -> the
  new tip. A deleted branch, or one moved to commits the repository has, is a ChangeSet
  without files or commits (only where the ref goes is checked: branch-protection);
  `rewrites` says whether the update leaves the old tip behind (a force push).
- A merge commit contributes only what differs from ALL its parents: its files are those
  changed against every parent, its added lines those added against every parent.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import NamedTuple

from agent_guard.changes.diffparse import (
    DIFF_FLAGS,
    LOG_FORMAT,
    StreamReader,
    read_diff,
    read_log,
)
from agent_guard.changes.git import BatchObjectReader, Repository, Spooled, fsencode, is_oid
from agent_guard.changes.model import (
    GITLINK_MODE,
    NO_LINES,
    SYMLINK_MODE,
    ChangedFile,
    ChangeSet,
    Commit,
    CommitChange,
    Lines,
    RefUpdate,
    Status,
)
from agent_guard.errors import GitError, UsageError


def _diff(repo: Repository, *args: str) -> list[ChangedFile]:
    with repo.git.stream(*args) as stdout:
        return read_diff(StreamReader(stdout))


def head_commit(objects: BatchObjectReader) -> str | None:
    """The commit HEAD points to; None on an unborn branch (before the first commit)."""
    return objects.resolve_commit("HEAD")


def staged_changes(repo: Repository, objects: BatchObjectReader) -> ChangeSet:
    """The index against HEAD (or the empty tree): what `git commit` would record now."""
    if repo.bare:
        raise UsageError("a bare repository has no index: name a revision range")
    base = head_commit(objects) or repo.empty_tree
    files = _diff(repo, "diff-index", "--cached", *DIFF_FLAGS, base, "--")
    return ChangeSet(kind="staged", files=tuple(files), tree=":", base=base)


def worktree_changes(repo: Repository, objects: BatchObjectReader) -> ChangeSet:
    """Tracked files in the work tree against HEAD (staged and unstaged edits together).

    git does not hash work-tree files for this diff (their new id is all zeros), so we hash
    them here, in process, as blobs (no clean filters run): `WorktreeObjects` serves them.
    """
    if repo.root is None:
        raise UsageError("a bare repository has no work tree: name a revision range")
    base = head_commit(objects) or repo.empty_tree
    files = _diff(repo, "diff-index", *DIFF_FLAGS, base, "--")
    hashed = [_hash_worktree_file(repo, file) for file in files]
    return ChangeSet(kind="worktree", files=tuple(hashed), tree=None, base=base)


def _hash_worktree_file(repo: Repository, file: ChangedFile) -> ChangedFile:
    if file.status is Status.DELETED or file.new_oid is not None:
        return file
    if file.new_mode == GITLINK_MODE:
        return file
    data = _read_worktree_blob(repo, file.path, file.new_mode)
    if data is None:
        return file
    return file._replace(new_oid=blob_id(data, repo.object_format))


def _read_worktree_blob(repo: Repository, path: str, mode: str | None) -> bytes | None:
    assert repo.root is not None
    target = repo.root / path
    try:
        if mode == SYMLINK_MODE:
            return fsencode(os.readlink(target))  # the link text, never what it points to
        return target.read_bytes()
    except OSError:
        return None


def blob_id(data: bytes, object_format: str) -> str:
    """The id git gives `data` as a blob (`git hash-object` without filters)."""
    digest = hashlib.sha256 if object_format == "sha256" else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


class WorktreeObjects:
    """Blobs by id for a work-tree ChangeSet: hashed work-tree files first, then the store."""

    def __init__(self, repo: Repository, changes: ChangeSet, objects: BatchObjectReader) -> None:
        self._repo = repo
        self._changes = changes
        self._objects = objects
        self._paths = {
            file.new_oid: (file.path, file.new_mode) for file in changes.files if file.new_oid
        }

    @property
    def max_blob_size(self) -> int:
        return self._objects.max_blob_size

    def _from_worktree(self, oid: str) -> bytes | None:
        """The work-tree file that hashes to `oid` (any size, as git would hash it), or None."""
        found = self._paths.get(oid)
        if found is not None:
            data = _read_worktree_blob(self._repo, *found)
            if data is not None and blob_id(data, self._repo.object_format) == oid:
                return data
        return None

    def read_blob(self, oid: str) -> bytes:
        data = self._from_worktree(oid)
        return data if data is not None else self._objects.read_blob(oid)

    def read_blobs(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None, int]]:
        """Work-tree files as they are, the rest from the store in one pipelined batch."""
        found: dict[str, bytes | None] = {}
        sizes: dict[str, int] = {}
        stored: list[str] = []
        wanted = list(oids)
        for oid in wanted:
            data = self._from_worktree(oid)
            if data is None:
                stored.append(oid)
            else:
                found[oid], sizes[oid] = data, len(data)
        for oid, data, size in self._objects.read_blobs(stored):
            found[oid], sizes[oid] = data, size
        for oid in wanted:
            yield oid, found[oid], sizes[oid]

    def fresh(self) -> WorktreeObjects:
        return WorktreeObjects(self._repo, self._changes, self._objects.fresh())

    def close(self) -> None:
        self._objects.close()


# -- revisions ---------------------------------------------------------------------------


def resolve_commit(repo: Repository, rev: str) -> str:
    """A user-typed revision -> a commit id (one rev-parse; the text never reaches a shell)."""
    if not rev:
        raise UsageError("empty revision")
    out = repo.git.run(
        "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}", ok_codes=(0, 1)
    )
    oid = out.decode().strip()
    if not is_oid(oid, repo.hash_length):
        raise GitError(f"unknown revision or not a commit: {rev}{shallow_hint(repo)}")
    return oid


def shallow_hint(repo: Repository) -> str:
    """Why a commit may be missing, when it is: an error path only (one more git process)."""
    out = repo.git.run("rev-parse", "--is-shallow-repository", ok_codes=(0, 1, 128))
    if out.strip() != b"true":
        return ""
    return (
        " (this is a shallow clone and the commit may be outside it: fetch more history with "
        "`git fetch --deepen=N` or `git fetch --unshallow`, or in CI set fetch-depth: 0)"
    )


def read_commit(objects: BatchObjectReader, oid: str) -> Commit:
    """A commit's identity and message, read through the batch reader (no process)."""
    found = objects.read_object(oid)
    if found is None or found[1] != "commit":
        raise GitError(f"not a commit: {oid}")
    return parse_commit(oid, found[2])


def read_commits(objects: BatchObjectReader, oids: Sequence[str]) -> list[Commit]:
    """Many commits through the batch reader, pipelined (one round trip per few hundred)."""
    commits: list[Commit] = []
    for oid, answer in objects.read_objects(oids):
        if answer is None or answer.kind != "commit" or answer.data is None:
            raise GitError(f"not a commit: {oid}")
        commits.append(parse_commit(oid, answer.data))
    return commits


def parse_commit(oid: str, data: bytes) -> Commit:
    """A raw commit object -> its parents, author, committer and message (in its encoding)."""
    head, _, message = data.partition(b"\n\n")
    parents: list[str] = []
    people = {"author": "", "committer": ""}
    encoding = "utf-8"
    for line in head.split(b"\n"):
        key, _, value = line.partition(b" ")
        # Interned: a push holds every commit until it is judged; parents are other commits'
        # ids, and a project's authors and committers are few.
        if key == b"parent":
            parents.append(sys.intern(value.decode("ascii", "replace")))
        elif key in (b"author", b"committer"):
            text = value.decode("utf-8", "replace")
            people[key.decode()] = sys.intern(text[: text.rfind(">") + 1] if ">" in text else text)
        elif key == b"encoding":
            encoding = value.decode("ascii", "replace")
    try:
        text = message.decode(encoding, "replace")
    except LookupError:
        text = message.decode("utf-8", "replace")
    return Commit(oid, tuple(parents), people["author"], people["committer"], text)


LOG_CHUNK = 1000  # commits per `git log` process: bounds git's memory on huge pushes
LOG_AHEAD = 2  # `git log` processes running at once on a push of several chunks
LOG_ARGS = (
    LOG_FORMAT,
    *DIFF_FLAGS,
    "--cc",
    "--combined-all-paths",
    "--root",
    "--no-walk=unsorted",
    "--stdin",
)
# What the per-commit changes depend on besides the commit: how git is asked to diff it,
# and how they are kept (`lines-v1`: added lines as `Lines`, not frozensets).
CHANGES_FINGERPRINT = hashlib.sha256("\0".join((*LOG_ARGS, "lines-v1")).encode()).hexdigest()


def read_commit_changes(
    repo: Repository, objects: BatchObjectReader, revs: Sequence[str], *, walk: bool
) -> list[CommitChange]:
    """The per-commit changes of `revs`, oldest first, in a constant number of processes.

    `walk=False`: exactly the listed commit ids (in the given order). `walk=True`: `revs` are
    rev-list arguments (ids and `--not`, `--all`, `--remotes=...`), listed in reverse
    topological order by one `rev-list`. A merge is read as its combined diff (`--cc`):
    what differs from all of its parents.

    Commits are immutable, so what each one changed is kept across runs in the repository's
    result store (`<git-dir>/agent-guard/changes-v2/`): a re-push or CI re-run asks `git log
    -p` only for commits it has not seen. The rest go to `git log --stdin` in chunks of
    LOG_CHUNK commits, so git's own memory stays bounded however large the push.
    """
    if not revs:
        return []
    if walk:
        out = repo.git.run("rev-list", "--reverse", "--topo-order", *revs, "--")
        revs = out.decode().split()
    from agent_guard.engine.results import CHANGES_FOLDER, ResultStore

    store = ResultStore(repo.cache_dir, CHANGES_FINGERPRINT, folder=CHANGES_FOLDER)
    try:
        known: dict[str, tuple[ChangedFile, ...]] = {}
        missing: list[str] = []
        for oid in revs:
            files = store.get_changes(oid)
            if files is None:
                missing.append(oid)
            else:
                known[oid] = files
        chunks = [missing[start : start + LOG_CHUNK] for start in range(0, len(missing), LOG_CHUNK)]
        for oid, files in _log_chunks(repo, chunks):
            known[oid] = files
            store.put_changes(oid, files)
    finally:
        store.flush()
    absent = [oid for oid in revs if oid not in known]
    if absent:
        raise GitError(f"git log did not list commit {absent[0]}")
    commits = read_commits(objects, revs)
    return [CommitChange(commit, known[commit.oid]) for commit in commits]


def _log_chunks(
    repo: Repository, chunks: Sequence[Sequence[str]]
) -> Generator[tuple[str, tuple[ChangedFile, ...]], None, None]:
    """(commit id, changed files) of the commits of every chunk, in order: one `git log`
    per chunk, LOG_AHEAD of them at once.

    A chunk's output is parsed while the next chunks' `git log` run into temporary files
    (`Git.spool`): streamed one after the other, a large push was read at git's speed on
    one core, with this process's parse (a third of git's time) on the other. Two at once
    use both (sympy's 10,000 first-parent push: 58 chunks, 62.6 s of `git log`).
    """
    if len(chunks) == 1 or not _can_spool():
        for chunk in chunks:
            yield from _log_changes(repo, chunk)
        return
    upcoming = iter(chunks)
    running: deque[Spooled] = deque()

    def launch() -> None:
        chunk = next(upcoming, None)
        if chunk is not None:
            running.append(repo.git.spool("log", *LOG_ARGS, input=_log_input(chunk)))

    try:
        for _ in range(LOG_AHEAD):
            launch()
        while running:
            with running.popleft().output() as out:
                launch()  # this chunk's git is done: two run again while it is parsed
                for entry in read_log(StreamReader(out)):
                    yield entry.oid, tuple(entry.files)
    finally:
        for spooled in running:  # a parse failed: stop the ones ahead
            spooled.close()


def _can_spool() -> bool:
    """Whether a temporary file can be made: a server may run its hooks with no writable
    TMPDIR, and then the chunks are streamed one after the other instead."""
    import tempfile

    try:
        with tempfile.TemporaryFile():
            return True
    except OSError:
        return False


def _log_input(oids: Sequence[str]) -> bytes:
    # git < 2.42 takes no options on --stdin: the ids go through stdin, options on argv.
    return "".join(f"{oid}\n" for oid in oids).encode()


def _log_changes(
    repo: Repository, oids: Sequence[str]
) -> list[tuple[str, tuple[ChangedFile, ...]]]:
    """(commit id, changed files) of exactly `oids`, from ONE `git log -p --stdin` process.

    A merge is read as its combined diff (`--cc`): git lists only the paths that differ
    from every parent and diffs only those, so a merge of a long-lived branch costs what it
    merged, not everything the other side gained since it forked (what `-m` diffs).
    """
    with repo.git.stream("log", *LOG_ARGS, input=_log_input(oids)) as stdout:
        return [(entry.oid, tuple(entry.files)) for entry in read_log(StreamReader(stdout))]


def merge_contribution(
    per_parent: Sequence[Sequence[ChangedFile]], dropped: list[ChangedFile] | None = None
) -> list[ChangedFile]:
    """What a merge adds beyond all its parents (`diff --cc` semantics, computed directly).

    A path counts only when it differs from every parent; its added lines are those added
    against every parent (a clean merge adds none). A text file that differs from every
    parent but has no line new to all of them is usually a clean merge of both sides, or a
    merge that only deleted lines: those go to `dropped` (when given) for `git diff --cc` to
    tell apart (`_combined_changes`); without `dropped` they are left out.
    """
    by_path = [{file.path: file for file in files} for files in per_parent]
    result: list[ChangedFile] = []
    for path, first in by_path[0].items():
        others = [files.get(path) for files in by_path[1:]]
        if any(other is None for other in others):
            continue
        versions = [first, *(other for other in others if other is not None)]
        added = Lines(first.added_lines)
        for version in versions[1:]:
            added &= version.added_lines
        textual = all(v.status is Status.MODIFIED and not v.binary for v in versions)
        if textual and not added and all(v.new_mode == v.old_mode for v in versions):
            if dropped is not None:
                dropped.append(first._replace(added_lines=NO_LINES))
            continue
        result.append(first._replace(added_lines=added))
    return result


def range_changes(repo: Repository, objects: BatchObjectReader, spec: str) -> ChangeSet:
    """`A..B`, `A...B` or a single `REV` (an empty side of a range means HEAD)."""
    if "..." in spec:
        left, right = spec.split("...", 1)
        old, new = resolve_commit(repo, left or "HEAD"), resolve_commit(repo, right or "HEAD")
        out = repo.git.run("merge-base", old, new, ok_codes=(0, 1)).decode().split()
        if not out:
            raise GitError(f"{spec}: the two sides have no common ancestor{shallow_hint(repo)}")
        base = out[0]
        commits = read_commit_changes(repo, objects, [new, "--not", old], walk=True)
    elif ".." in spec:
        left, right = spec.split("..", 1)
        base, new = resolve_commit(repo, left or "HEAD"), resolve_commit(repo, right or "HEAD")
        commits = read_commit_changes(repo, objects, [new, "--not", base], walk=True)
    else:
        new = resolve_commit(repo, spec)
        commits = read_commit_changes(repo, objects, [new], walk=False)
        commit = commits[0].commit
        base = commit.parents[0] if commit.parents else repo.empty_tree
        if commit.parents and objects.read_object(base) is None:
            raise GitError(f"{spec}: its parent {base} is missing{shallow_hint(repo)}")
        if len(commit.parents) > 1:  # a merge: its net change is what it adds to all parents
            return ChangeSet("range", commits[0].files, tuple(commits), new, None, base)
    files = _diff(repo, "diff-tree", "-r", *DIFF_FLAGS, base, new, "--")
    return ChangeSet("range", tuple(files), tuple(commits), new, None, base)


# -- pushes ------------------------------------------------------------------------------


def parse_pre_receive(text: str | bytes, hash_length: int | None = None) -> list[RefUpdate]:
    """`<old> <new> <ref>` lines (pre-receive, post-receive stdin) -> RefUpdates."""
    updates: list[RefUpdate] = []
    valid: set[str] = set()  # ids already validated: 20,000 tags often share one or two

    def oid(text: str) -> bool:
        if text in valid:
            return True
        if is_oid(text, hash_length):
            valid.add(text)
            return True
        return False

    for number, line in enumerate(_lines(text), 1):
        parts = line.split(" ", 2)
        if len(parts) != 3 or not (oid(parts[0]) and oid(parts[1])):
            raise UsageError("expected '<old-id> <new-id> <ref>'", "<stdin>", number)
        if len(parts[0]) != len(parts[1]):
            raise UsageError("ids of different lengths", "<stdin>", number)
        updates.append(RefUpdate(ref=parts[2], old=parts[0], new=parts[1]))
    return updates


def parse_pre_push(text: str | bytes, hash_length: int | None = None) -> list[RefUpdate]:
    """`<local ref> <local id> <remote ref> <remote id>` lines (pre-push stdin) -> RefUpdates.

    The update is seen from the remote: `ref` is the remote ref, `old` its current id there
    (zeros when it is created), `new` the local id pushed (zeros when it is deleted).
    """
    updates: list[RefUpdate] = []
    for number, line in enumerate(_lines(text), 1):
        parts = line.split(" ")
        if len(parts) != 4 or not (is_oid(parts[1], hash_length) and is_oid(parts[3], hash_length)):
            raise UsageError(
                "expected '<local-ref> <local-id> <remote-ref> <remote-id>'", "<stdin>", number
            )
        updates.append(RefUpdate(ref=parts[2], old=parts[3], new=parts[1]))
    return updates


def _lines(text: str | bytes) -> Iterable[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    return (line.rstrip("\r") for line in text.split("\n") if line.strip())


def push_changes(
    repo: Repository,
    objects: BatchObjectReader,
    updates: Sequence[RefUpdate],
    *,
    exclude: Sequence[str] = ("--all",),
) -> list[ChangeSet]:
    """One ChangeSet per pushed ref that brings new commits, and a ChangeSet without files
    for each branch deleted or moved to known commits (for checks of the ref update).

    `exclude` are the rev-list arguments naming what the repository already has: `--all`
    in pre-receive (the refs are not updated yet, and the quarantined objects are not
    reachable from any ref), `--remotes=<remote>` in pre-push. A commit pushed on two refs
    is judged once (with the first ref). Processes: one rev-list and one diff-tree per ref,
    one `git log` for all commits, plus the shared cat-file reader.
    """
    seen: set[str] = set()
    plans: list[tuple[RefUpdate, str, list[str]]] = []
    ref_only: list[ChangeSet] = []  # branches deleted or moved to known commits
    for update in updates:
        if update.deleted:
            if update.ref.startswith("refs/heads/"):
                ref_only.append(ChangeSet("push", (), ref=update, rewrites=True))
            continue
        tip = objects.resolve_commit(update.new)
        if tip is None:
            if not objects.exists(update.new):  # never "nothing to check": fail closed
                raise GitError(
                    f"{update.ref}: the pushed object {update.new} cannot be read (does the "
                    "hook see the receive quarantine? GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH)"
                )
            continue  # a tag of a tree or blob: no commits, no code
        out = repo.git.run("rev-list", "--topo-order", "--reverse", tip, "--not", *exclude)
        new = [oid for oid in out.decode().split() if oid not in seen]
        seen.update(new)
        plans.append((update, tip, new))
    all_new = [oid for _, _, new in plans for oid in new]
    by_oid = {
        change.commit.oid: change
        for change in read_commit_changes(repo, objects, all_new, walk=False)
    }
    result: list[ChangeSet] = []
    for update, tip, new in plans:
        rewrites = _rewrites(repo, objects, update, tip)
        if not new and tip == update.new:
            if update.ref.startswith("refs/heads/"):
                ref_only.append(ChangeSet("push", (), tree=tip, ref=update, rewrites=rewrites))
            continue  # (an annotated tag is judged even then: its message is new content)
        commits = tuple(by_oid[oid] for oid in new)
        base = _push_base(repo, objects, update, tip, by_oid)
        files = _diff(repo, "diff-tree", "-r", *DIFF_FLAGS, base, tip, "--") if new else []
        result.append(ChangeSet("push", tuple(files), commits, tip, update, base, rewrites))
    return result + ref_only


def _rewrites(repo: Repository, objects: BatchObjectReader, update: RefUpdate, tip: str) -> bool:
    """True when a branch's old tip is not an ancestor of `tip` (one rev-list per branch)."""
    if update.created or not update.ref.startswith("refs/heads/"):
        return False
    old = objects.resolve_commit(update.old)
    if old is None:
        return False
    out = repo.git.run("rev-list", "--max-count=1", old, "--not", tip, "--")
    return bool(out.strip())


class RefRange(NamedTuple):
    """What one ref update of a push asks the server to accept, as git sees it.

    `commits`: every commit in `base..tip` of THIS ref, oldest first, whether or not the
    repository already has it (another ref may hold it, judged by another policy). `base` is
    the ref's old tip, or for a created ref the commit the caller names (the default
    branch's tip); None: the whole history of `tip`. `forced`: the old tip is not an
    ancestor of the new one (a rewind, a rewrite); the change is then judged from tip to tip.
    """

    update: RefUpdate
    tip: str | None  # the new tip peeled to a commit; None: a deletion, or a tree/blob tag
    base: str | None
    commits: tuple[str, ...] = ()
    forced: bool = False


def ref_ranges(
    repo: Repository,
    objects: BatchObjectReader,
    updates: Sequence[RefUpdate],
    *,
    created_base: str | None,
) -> list[RefRange]:
    """The range of every ref update, in a number of git processes that does not grow with
    the number of refs: one `rev-list` per distinct (base, tip) pair, none when tip == base
    (20,000 tags at one commit cost one process, or none).

    An updated ref is listed with `--left-right old...new`: the right side is its range, a
    non-empty left side means the update is not a fast-forward (`forced`).
    """
    peeled: dict[str, str | None] = {}

    def peel(oid: str) -> str | None:
        if oid not in peeled:
            peeled[oid] = objects.resolve_commit(oid)
        return peeled[oid]

    listed: dict[tuple[str | None, str], tuple[tuple[str, ...], bool]] = {}
    ranges: list[RefRange] = []
    for update in updates:
        old = None if update.created else peel(update.old)
        if update.deleted:
            ranges.append(RefRange(update, None, old))
            continue
        tip = peel(update.new)
        if tip is None:
            if not objects.exists(update.new):  # never "nothing to check": fail closed
                raise GitError(
                    f"{update.ref}: the pushed object {update.new} cannot be read (does the "
                    "hook see the receive quarantine? GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH)"
                )
            ranges.append(RefRange(update, None, old))  # a tag of a tree or blob: no code
            continue
        base = old if old is not None else created_base
        key = (base, tip) if old is not None else (f"created:{base}", tip)
        if key not in listed:
            listed[key] = _range(repo, base, tip, left_right=old is not None)
        commits, forced = listed[key]
        ranges.append(RefRange(update, tip, base, commits, forced))
    return ranges


def _range(
    repo: Repository, base: str | None, tip: str, *, left_right: bool
) -> tuple[tuple[str, ...], bool]:
    if base == tip:
        return (), False
    if base is None:
        out = repo.git.run("rev-list", "--topo-order", "--reverse", tip, "--")
        return tuple(out.decode().split()), False
    if not left_right:
        out = repo.git.run("rev-list", "--topo-order", "--reverse", tip, "--not", base, "--")
        return tuple(out.decode().split()), False
    out = repo.git.run(
        "rev-list", "--left-right", "--topo-order", "--reverse", f"{base}...{tip}", "--"
    )
    lines = out.decode().split()
    return tuple(line[1:] for line in lines if line[:1] == ">"), any(
        line[:1] == "<" for line in lines
    )


def net_files(repo: Repository, base: str | None, tip: str) -> tuple[ChangedFile, ...]:
    """The net change from `base` (None: the empty tree) to `tip`: one diff-tree."""
    return tuple(_diff(repo, "diff-tree", "-r", *DIFF_FLAGS, base or repo.empty_tree, tip, "--"))


def _push_base(
    repo: Repository,
    objects: BatchObjectReader,
    update: RefUpdate,
    tip: str,
    new: dict[str, CommitChange],
) -> str:
    """What the net change of a ref is measured against.

    An updated ref: its old tip (peeled), so a force push is judged against what the
    repository had. A new ref: the first known commit on the first-parent line of the tip,
    i.e. where its new history forks off; the empty tree when all of it is new.
    """
    if not update.created:
        old = objects.resolve_commit(update.old)
        if old is not None:
            return old
    current = tip
    while current in new:
        parents = new[current].commit.parents
        if not parents:
            return repo.empty_tree
        current = parents[0]
    return current
