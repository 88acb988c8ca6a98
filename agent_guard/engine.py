"""The engine: run every enabled check on a ChangeSet and keep what the change is to blame for.

Order of work, per ChangeSet:
1. path checks (`protected-file`, `policy-change`) — per commit for ranges and pushes, so an
   approval belongs to the commit that needs it; on the net change for staged/work tree;
2. per changed Python file in scope: read the blob once, decode and parse once, run the
   single AST walk (`checks.python.check_python`), keep its import records;
3. the secret scan — per commit for ranges and pushes (history keeps a secret that a later
   commit removes), on the added lines only;
4. cross-file architecture checks, fed with the import records of step 2;
5. commit-message checks, per commit.

Check modules are imported only when the policy enables one of their checks, so a commit
that touches no Python file never imports the AST walker.

The changed-line filter keeps a code finding only when its line — or for a function-level
finding any line of its `scope` — was added or changed (`all_lines` keeps everything).
Path, secret and commit findings are about the change itself and are always kept. Results
are cached per blob within a run (the same blob in two commits or two refs is checked once)
and across runs (`results.py`: a re-push or CI re-run reads them instead of re-checking).
Blobs are read in pipelined batches. On a push, the many Python files are walked in a
forked worker process while this one scans the commits for secrets, and the work left at
the end is shared by both (`Workers`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from agent_guard.changes.git import MAX_BLOB_SIZE, BlobTooLarge
from agent_guard.changes.model import ChangedFile, ChangeSet, ObjectReader, Status, TreeReader
from agent_guard.checks import policy_change, protected_file
from agent_guard.checks.base import make_finding
from agent_guard.checks.registry import BY_SLUG
from agent_guard.errors import GitError
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings, Policy
from agent_guard.workers import Workers, drop_worker_reader, inherited_policy, worker_reader

if TYPE_CHECKING:
    from agent_guard.results import ResultStore

log = logging.getLogger(__name__)

PYTHON_SUFFIXES = (".py", ".pyi")
SecretKey = tuple[str, str, frozenset[int] | None]  # blob id, path, lines scanned (None: all)
UNFILTERED_FAMILIES = frozenset({"path", "secret", "commit"})
UNFILTERED_CHECKS = frozenset({"syntax-error"})  # a file that does not parse, wherever it breaks


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How to run: `all_lines` reports whole files; `cache_dir` is for cross-file caches."""

    all_lines: bool = False
    cache_dir: Path | None = None


@dataclass(slots=True)
class RunCache:
    """Per-blob results within one run; pass the same cache to every ChangeSet of a push."""

    python: dict[tuple[str, str], tuple[list[Finding], tuple[Any, ...] | None]] = field(
        default_factory=dict
    )
    secrets: dict[tuple[str, str, frozenset[int] | None], list[Finding]] = field(
        default_factory=dict
    )
    texts: dict[str, list[str]] = field(default_factory=dict)  # blob id -> source lines
    # Blobs with a lone CR: Python counts it as a line break, git does not, so git's added
    # line numbers do not apply to the AST's lines (every finding is kept, see _line_filter).
    lone_cr: set[str] = field(default_factory=set)
    # Results kept across runs (results.py), opened on first use for the run's policy.
    store: ResultStore | None = None

    def persistent(self, options: EngineOptions, policy: Policy) -> ResultStore:
        if self.store is None:
            from agent_guard.results import ResultStore

            self.store = ResultStore(options.cache_dir, policy.fingerprint)
        return self.store

    def flush(self) -> None:
        """Write the results of the run to the store kept across runs (once, at the end)."""
        if self.store is not None:
            self.store.flush()


def _family_enabled(policy: Policy, family: str) -> list[CheckSettings]:
    return [s for slug, s in policy.checks.items() if slug in BY_SLUG and _family(slug) == family]


def _family(slug: str) -> str:
    info = BY_SLUG.get(slug)
    return info.family if info else "path"


def run(
    changes: ChangeSet,
    policy: Policy,
    objects: ObjectReader,
    tree: TreeReader | None,
    options: EngineOptions,
    cache: RunCache | None = None,
) -> list[Finding]:
    """Every finding of every enabled check on `changes`, filtered to changed lines, sorted."""
    if cache is None:
        cache = RunCache()
        try:
            return run(changes, policy, objects, tree, options, cache)
        finally:
            cache.flush()
    findings: list[Finding] = []
    units: list[tuple[str | None, tuple[ChangedFile, ...]]] = [
        (change.commit.oid, change.files) for change in changes.commits
    ] or [(None, changes.files)]

    # The Python checks start first: on a push they go to a worker process, on the other
    # core, while this process runs the path checks and scans the commits for secrets;
    # whatever is left over at the end is shared by both (see `Workers`).
    imports: dict[str, tuple[Any, ...]] = {}
    code_findings: list[Finding] = []
    workers = Workers(policy, objects)
    try:
        python_files = [file for file in changes.files if _is_python_source(file)]
        python_results = _python_checks(python_files, policy, objects, options, cache, workers)
        for commit, files in units:
            findings += _path_checks(files, policy, objects, commit)
        findings += _secret_checks(units, policy, objects, options, cache, workers)
        for file, (found, records) in python_results():
            code_findings += found
            if records is not None:
                imports[file.path] = records
    finally:
        workers.close()

    code_findings += _architecture_checks(changes, policy, imports, tree, objects, options)
    numbered = [file for file in changes.files if file.new_oid not in cache.lone_cr]
    findings += _line_filter(code_findings, numbered, options.all_lines)

    findings += _message_checks(changes, policy)
    findings = [_with_source(finding, changes, objects, cache) for finding in findings]
    return sorted(set(findings), key=lambda f: (*f.sort_key, f.commit or ""))


# -- path checks ---------------------------------------------------------------------------


def _path_checks(
    files: Iterable[ChangedFile], policy: Policy, objects: ObjectReader, commit: str | None
) -> list[Finding]:
    findings: list[Finding] = []
    protected = policy.enabled("protected-file")
    policy_settings = policy.enabled("policy-change")
    for file in files:
        if protected is not None and protected.applies_to(file.path):
            findings += protected_file.check_file(file, policy, protected, commit)
        if policy_settings is not None:
            found = policy_change.check_file(
                file, policy, policy_settings, objects.read_blob, commit
            )
            if found is not None:
                findings.append(found)
    return findings


# -- python --------------------------------------------------------------------------------


def _is_python_source(file: ChangedFile) -> bool:
    """A new Python blob to parse — even one git calls binary (a NUL byte, or a `binary`
    attribute in .gitattributes): skipping those would let one attribute line hide code."""
    return file.path.endswith(PYTHON_SUFFIXES) and (file.has_content or _is_python_binary(file))


def _is_python_binary(file: ChangedFile) -> bool:
    """A Python file git diffed as binary: no hunks, so every line counts as changed."""
    return (
        file.binary
        and file.new_oid is not None
        and file.status is not Status.DELETED
        and not file.is_symlink
        and not file.is_submodule
        and file.path.endswith(PYTHON_SUFFIXES)
    )


def _read_text(objects: ObjectReader, oid: str, cache: RunCache) -> str | None:
    """Decode a blob once per run; None when it is too large or not decodable."""
    from agent_guard.checks.pysource import SourceError, decode

    try:
        data = objects.read_blob(oid)
    except BlobTooLarge as error:
        log.info("skipping %s: %d bytes is over the size limit", oid, error.size)
        return None
    try:
        text = decode(data)
    except SourceError:
        text = data.decode("utf-8", "replace")
    cache.texts.setdefault(oid, text.splitlines())
    return text


def _read_blobs(
    objects: ObjectReader, oids: Sequence[str]
) -> Iterator[tuple[str, bytes | None, int]]:
    """(oid, content or None when too large, size), pipelined when the reader can batch."""
    batch = getattr(objects, "read_blobs", None)
    if batch is not None:
        yield from batch(oids)
        return
    for oid in oids:
        try:
            data = objects.read_blob(oid)
        except BlobTooLarge as error:
            yield oid, None, error.size
        else:
            yield oid, data, len(data)


def _too_large(file: ChangedFile, size: int, limit: int, policy: Policy) -> list[Finding]:
    """A Python file over the size limit is reported, so padding cannot hide code unseen."""
    log.info("%s: too large to check (%d bytes)", file.path, size)
    settings = policy.enabled("syntax-error")
    if settings is None or not settings.applies_to(file.path):
        return []
    message = f"too large to check ({size / 2**20:.1f} MB > {limit / 2**20:g} MB)"
    fix = "split the file, or move data out of Python source; no check can read it as it is"
    return [make_finding(settings, file.path, 1, 1, message, fix)]


def _python_checks(
    files: Sequence[ChangedFile],
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> Callable[[], list[tuple[ChangedFile, tuple[list[Finding], tuple[Any, ...] | None]]]]:
    """The single AST walk over each changed Python file (parsed once, cached per blob).

    Blobs are read together (one pipelined batch), and results come from and go to the
    cache kept across runs when there is one. Returns a call that waits for the results
    (which may be computing in worker processes meanwhile).
    """
    store = cache.persistent(options, policy)
    results: dict[tuple[str, str], tuple[list[Finding], tuple[Any, ...] | None]] = {}
    missing: dict[str, list[ChangedFile]] = {}
    for file in files:
        assert file.new_oid is not None
        key = (file.new_oid, file.path)
        if key in cache.python:
            results[key] = cache.python[key]
        elif not _python_in_scope(file, policy):
            results[key] = cache.python[key] = ([], None)
        elif (stored := store.get_python(*key)) is not None:
            kept, records, lone_cr = stored
            if lone_cr:
                cache.lone_cr.add(file.new_oid)
            results[key] = cache.python[key] = (list(kept), records)
        else:
            missing.setdefault(file.new_oid, []).append(file)
    work: list[tuple[ChangedFile, bytes]] = []
    for oid, data, size in _read_blobs(objects, list(missing)):
        for file in missing[oid]:
            if data is None:
                limit = getattr(objects, "max_blob_size", MAX_BLOB_SIZE)
                oversize = _too_large(file, size, limit, policy)
                results[(oid, file.path)] = cache.python[(oid, file.path)] = (oversize, None)
            else:
                work.append((file, data))
    pending = _check_many(work, policy, workers)

    def finish() -> list[tuple[ChangedFile, tuple[list[Finding], tuple[Any, ...] | None]]]:
        for file, (checked, records, lone_cr) in pending():
            assert file.new_oid is not None
            key = (file.new_oid, file.path)
            if lone_cr:
                cache.lone_cr.add(file.new_oid)
            results[key] = cache.python[key] = (checked, records)
            store.put_python(file.new_oid, file.path, (tuple(checked), records, lone_cr))
        return [(file, results[(file.new_oid or "", file.path)]) for file in files]

    return finish


WORKER_CHUNK = 2  # Python files per task: small, so the tail of the work is shared evenly
SECRET_CHUNK = 32  # blobs per secret-scan task
CheckedBlob = tuple[list[Finding], tuple[Any, ...] | None, bool]


def _check_many(
    work: Sequence[tuple[ChangedFile, bytes]], policy: Policy, workers: Workers
) -> Callable[[], list[tuple[ChangedFile, CheckedBlob]]]:
    """Parse and walk many blobs; returns a call that waits for their results.

    A push's many files go to the workers (`Workers`), which return findings with their
    source lines filled in, so this process never needs the text again. Otherwise the work
    happens here, when the results are asked for.
    """
    if not workers.usable(len(work)):
        return lambda: [(file, _check_sourced(file, data, policy)) for file, data in work]
    chunks = [work[start : start + WORKER_CHUNK] for start in range(0, len(work), WORKER_CHUNK)]

    def local(chunk: Sequence[tuple[ChangedFile, bytes]]) -> list[CheckedBlob]:
        return [_check_sourced(file, data, policy) for file, data in chunk]

    pending = workers.share(_python_worker, chunks, local)

    def finish() -> list[tuple[ChangedFile, CheckedBlob]]:
        results = [item for chunk in pending() for item in chunk]
        return list(zip([file for file, _ in work], results, strict=True))

    return finish


def _python_worker(chunk: Sequence[tuple[ChangedFile, bytes]]) -> list[CheckedBlob]:
    return [_check_sourced(file, data, inherited_policy()) for file, data in chunk]


def _check_sourced(file: ChangedFile, data: bytes, policy: Policy) -> CheckedBlob:
    """One blob's findings (source lines filled in), import records, and lone-CR flag."""
    local = RunCache()
    checked, records = _check_python_blob(file, data, policy, local)
    lines = local.texts.get(file.new_oid or "", [])
    return [_with_line(finding, lines) for finding in checked], records, bool(local.lone_cr)


def _python_in_scope(file: ChangedFile, policy: Policy) -> bool:
    return any(
        _family(settings.slug) in ("python", "architecture") and settings.applies_to(file.path)
        for settings in policy.checks.values()
    )


def _with_line(finding: Finding, lines: Sequence[str]) -> Finding:
    """`finding` with its source line filled in (as `_with_source` would), for the cache."""
    if (
        finding.source is not None
        or finding.check == "secret"
        or not 0 < finding.line <= len(lines)
    ):
        return finding
    return replace(finding, source=lines[finding.line - 1].rstrip())


def _check_python_blob(
    file: ChangedFile, data: bytes, policy: Policy, cache: RunCache
) -> tuple[list[Finding], tuple[Any, ...] | None]:
    """Decode, parse and walk one blob: its whole-file findings and import records."""
    from agent_guard.checks.pysource import SourceError, decode, parse

    assert file.new_oid is not None
    findings: list[Finding] = []
    try:
        text = decode(data)
        cache.texts.setdefault(file.new_oid, text.splitlines())
        if "\r" in text and text.count("\r") != text.count("\r\n"):
            cache.lone_cr.add(file.new_oid)
        tree = parse(text, file.path)
    except SourceError as error:
        syntax = policy.enabled("syntax-error")
        if syntax is not None and syntax.applies_to(file.path):
            from agent_guard.checks.syntax_error import syntax_error_finding

            findings.append(syntax_error_finding(file.path, error, syntax))
        return findings, ()
    from agent_guard.checks.python import check_python

    result = check_python(file.path, text, tree, policy)
    return findings + list(result.findings), tuple(result.imports)


# -- secrets -------------------------------------------------------------------------------


def _secret_checks(
    units: Sequence[tuple[str | None, tuple[ChangedFile, ...]]],
    policy: Policy,
    objects: ObjectReader,
    options: EngineOptions,
    cache: RunCache,
    workers: Workers,
) -> list[Finding]:
    """The secret scan of every unit (commit), on its added lines; blobs read in batches.

    A push's many blobs are shared with the worker processes (`Workers`), each reading
    through its own cat-file.
    """
    settings = policy.enabled("secret")
    if settings is None:
        return []
    from agent_guard.checks import secret as module

    store = cache.persistent(options, policy)
    findings: list[Finding] = []
    wanted: dict[str, list[tuple[str | None, ChangedFile, SecretKey]]] = {}
    for commit, files in units:
        for file in files:
            if file.status is Status.DELETED or not settings.applies_to(file.path):
                continue
            by_name = module.secret_file_finding(file, settings, commit)
            if by_name is not None:
                findings.append(by_name)
            if not _scannable(file):
                continue
            assert file.new_oid is not None
            # A file git calls binary (a NUL byte, or a `binary` attribute) has no hunks: all
            # of it is scanned, and scan_blob itself skips content with a NUL byte.
            lines = None if options.all_lines or file.binary else file.added_lines
            key = (file.new_oid, file.path, lines)
            if key not in cache.secrets:
                stored = store.get_secrets(*key)
                if stored is None:
                    wanted.setdefault(file.new_oid, []).append((commit, file, key))
                    continue
                cache.secrets[key] = list(stored)
            findings += [replace(found, commit=commit) for found in cache.secrets[key]]
    keys = {oid: list(dict.fromkeys(key for _, _, key in items)) for oid, items in wanted.items()}
    scanned = _scan_blobs(keys, module, settings, objects, workers)
    for items in wanted.values():
        for commit, _file, key in items:
            if key not in scanned:
                continue  # too large to scan
            if key not in cache.secrets:
                cache.secrets[key] = scanned[key]
                store.put_secrets(*key, tuple(scanned[key]))
            findings += [replace(found, commit=commit) for found in cache.secrets[key]]
    return findings


SecretTask = list[tuple[str, list[SecretKey]]]  # blob ids, each with the keys to scan it for


def _scan_blobs(
    keys: dict[str, list[SecretKey]],
    module: ModuleType,
    settings: CheckSettings,
    objects: ObjectReader,
    workers: Workers,
) -> dict[SecretKey, list[Finding]]:
    """The secrets of each blob on each of its keys' lines (a blob too large is left out)."""
    task = list(keys.items())
    if not workers.usable(len(task), reads=True):
        return _scan_task(task, objects, module, settings)
    tasks = [task[start : start + SECRET_CHUNK] for start in range(0, len(task), SECRET_CHUNK)]

    def local(part: SecretTask) -> dict[SecretKey, list[Finding]]:
        return _scan_task(part, objects, module, settings)

    scanned: dict[SecretKey, list[Finding]] = {}
    for part in workers.share(_secret_worker, tasks, local)():
        scanned.update(part)
    return scanned


def _scan_task(
    task: SecretTask, objects: ObjectReader, module: ModuleType, settings: CheckSettings
) -> dict[SecretKey, list[Finding]]:
    scanned: dict[SecretKey, list[Finding]] = {}
    by_oid = dict(task)
    for oid, data, _size in _read_blobs(objects, list(by_oid)):
        if data is None:
            continue
        for key in by_oid[oid]:
            scanned[key] = list(module.scan_blob(key[1], data, key[2], settings, None))
    return scanned


def _secret_worker(task: SecretTask) -> dict[SecretKey, list[Finding]] | None:
    """A worker's share of the secret scan; None (do it in the parent) when it cannot read."""
    settings = inherited_policy().enabled("secret")
    reader = worker_reader()
    if settings is None or reader is None:
        return None
    from agent_guard.checks import secret

    try:
        return _scan_task(task, reader, secret, settings)
    except (GitError, OSError) as error:
        log.debug("worker cannot read blobs (%s): the parent scans them", error)
        drop_worker_reader()
        return None


def _scannable(file: ChangedFile) -> bool:
    """A new regular-file blob: text, or binary by git's verdict (content decides for us)."""
    return (
        file.new_oid is not None
        and file.status is not Status.DELETED
        and not file.is_symlink
        and not file.is_submodule
    )


# -- architecture and commit messages ----------------------------------------------------


def _architecture_checks(
    changes: ChangeSet,
    policy: Policy,
    imports: Mapping[str, tuple[Any, ...]],
    tree: TreeReader | None,
    objects: ObjectReader,
    options: EngineOptions,
) -> list[Finding]:
    if not _family_enabled(policy, "architecture"):
        return []
    from agent_guard.checks.architecture import check_architecture

    return check_architecture(changes, policy, imports, tree, options.cache_dir, objects=objects)


def _message_checks(changes: ChangeSet, policy: Policy) -> list[Finding]:
    settings = policy.enabled("refactor-explained")
    if settings is None or not changes.commits:
        return []
    from agent_guard.checks.refactor_explained import check_message as check

    findings: list[Finding] = []
    for change in changes.commits:
        findings += [
            replace(found, commit=found.commit or change.commit.oid)
            for found in check(change.commit, settings)
        ]
    return findings


# -- filter and source ---------------------------------------------------------------------


def _line_filter(
    findings: Iterable[Finding], files: Iterable[ChangedFile], all_lines: bool
) -> list[Finding]:
    """Keep code findings on added/changed lines (or whose scope contains one)."""
    if all_lines:
        return list(findings)
    added = {file.path: file.added_lines for file in files if not _is_python_binary(file)}
    kept: list[Finding] = []
    for finding in findings:
        lines = added.get(finding.path)
        if (
            lines is None  # a file outside the change: the check chose to report it there
            or finding.line <= 0
            or _family(finding.check) in UNFILTERED_FAMILIES
            or finding.check in UNFILTERED_CHECKS
        ):
            kept.append(finding)
            continue
        first, last = finding.scope or (finding.line, finding.line)
        if finding.line in lines or any(first <= line <= last for line in lines):
            kept.append(finding)
    return kept


def _with_source(
    finding: Finding, changes: ChangeSet, objects: ObjectReader, cache: RunCache
) -> Finding:
    """Fill `source` with the offending line (never for secrets: they mask themselves).

    A path finding (a protected or policy file changed) points at the first added line; when
    that line is blank it moves to the first added line with text, so the report quotes
    what the change did rather than an empty line.
    """
    if finding.source is not None or finding.check == "secret" or finding.line <= 0:
        return finding
    file = _file_of(finding, changes)
    if file is None or file.new_oid is None:
        return finding
    lines = cache.texts.get(file.new_oid)
    if lines is None:
        if _read_text(objects, file.new_oid, cache) is None:
            return finding
        lines = cache.texts[file.new_oid]
    if finding.line > len(lines):
        return finding
    if not lines[finding.line - 1].strip() and _family(finding.check) == "path":
        line = next(
            (n for n in sorted(file.added_lines) if n <= len(lines) and lines[n - 1].strip()),
            finding.line,
        )
        finding = replace(finding, line=line)
    return replace(finding, source=lines[finding.line - 1].rstrip())


def _file_of(finding: Finding, changes: ChangeSet) -> ChangedFile | None:
    """The changed file (of the finding's commit, if any) whose new blob the finding is in."""
    files: Iterable[ChangedFile] = changes.files
    if finding.commit is not None:
        files = next((c.files for c in changes.commits if c.commit.oid == finding.commit), ())
    for file in files:
        if file.path == finding.path and file.has_content:
            return file
    return None
