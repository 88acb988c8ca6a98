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

Check modules written by other parts of the project are imported only when the policy
enables one of their checks, and only if they exist, so the engine runs before they land.

The changed-line filter keeps a code finding only when its line — or for a function-level
finding any line of its `scope` — was added or changed (`all_lines` keeps everything).
Path, secret and commit findings are about the change itself and are always kept. Results
are cached per blob within a run (the same blob in two commits or two refs is checked once).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from agent_guard.changes.git import BlobTooLarge
from agent_guard.changes.model import ChangedFile, ChangeSet, ObjectReader, Status, TreeReader
from agent_guard.checks import policy_change, protected_file
from agent_guard.checks.base import make_finding
from agent_guard.checks.registry import BY_SLUG
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings, Policy

log = logging.getLogger(__name__)

PYTHON_SUFFIXES = (".py", ".pyi")
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


def _optional_module(name: str) -> ModuleType | None:
    """A check module of another part of the project, or None while it does not exist yet."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


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
    cache = cache if cache is not None else RunCache()
    findings: list[Finding] = []
    units: list[tuple[str | None, tuple[ChangedFile, ...]]] = [
        (change.commit.oid, change.files) for change in changes.commits
    ] or [(None, changes.files)]

    for commit, files in units:
        findings += _path_checks(files, policy, objects, commit)
        findings += _secret_checks(files, policy, objects, commit, options, cache)

    imports: dict[str, tuple[Any, ...]] = {}
    code_findings: list[Finding] = []
    for file in changes.files:
        if _is_python_source(file):
            found, records = _python_checks(file, policy, objects, cache)
            code_findings += found
            if records is not None:
                imports[file.path] = records

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


def _python_checks(
    file: ChangedFile, policy: Policy, objects: ObjectReader, cache: RunCache
) -> tuple[list[Finding], tuple[Any, ...] | None]:
    """The single AST walk over one changed Python file (parsed once, cached per blob)."""
    assert file.new_oid is not None
    key = (file.new_oid, file.path)
    if key in cache.python:
        return cache.python[key]
    in_scope = [
        settings
        for settings in policy.checks.values()
        if _family(settings.slug) in ("python", "architecture") and settings.applies_to(file.path)
    ]
    if not in_scope:
        return [], None
    from agent_guard.checks.pysource import SourceError, decode, parse

    findings: list[Finding] = []
    records: tuple[Any, ...] | None = None
    try:
        data = objects.read_blob(file.new_oid)
    except BlobTooLarge as error:
        log.info("%s: too large to check (%d bytes)", file.path, error.size)
        return [], None
    try:
        text = decode(data)
        cache.texts.setdefault(file.new_oid, text.splitlines())
        if "\r" in text and text.count("\r") != text.count("\r\n"):
            cache.lone_cr.add(file.new_oid)
        tree = parse(text, file.path)
    except SourceError as error:
        syntax = policy.enabled("syntax-error")
        if syntax is not None and syntax.applies_to(file.path):
            findings.append(
                make_finding(
                    syntax,
                    file.path,
                    error.line,
                    error.column,
                    f"this file does not parse: {error.message}",
                    "fix the syntax error; no other check can read this file until you do",
                )
            )
        cache.python[key] = (findings, ())
        return findings, ()
    python = _optional_module("agent_guard.checks.python")
    if python is not None:
        result = python.check_python(file.path, text, tree, policy)
        findings += list(result.findings)
        records = tuple(result.imports)
    else:
        log.debug("agent_guard.checks.python is not available: python checks skipped")
        records = ()
    cache.python[key] = (findings, records)
    return findings, records


# -- secrets -------------------------------------------------------------------------------


def _secret_checks(
    files: Iterable[ChangedFile],
    policy: Policy,
    objects: ObjectReader,
    commit: str | None,
    options: EngineOptions,
    cache: RunCache,
) -> list[Finding]:
    settings = policy.enabled("secret")
    if settings is None:
        return []
    module = _optional_module("agent_guard.checks.secret")
    if module is None:
        log.debug("agent_guard.checks.secret is not available: secret scan skipped")
        return []

    findings: list[Finding] = []
    for file in files:
        if file.status is Status.DELETED or not settings.applies_to(file.path):
            continue
        by_name = module.secret_file_finding(file, settings, commit)
        if by_name is not None:
            findings.append(by_name)
        if not file.has_content or file.new_oid is None:
            continue
        lines = None if options.all_lines else file.added_lines
        key = (file.new_oid, file.path, lines)
        if key not in cache.secrets:
            try:
                data = objects.read_blob(file.new_oid)
            except BlobTooLarge:
                continue
            cache.secrets[key] = list(module.scan_blob(file.path, data, lines, settings, None))
        findings += [replace(found, commit=commit) for found in cache.secrets[key]]
    return findings


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
    module = _optional_module("agent_guard.checks.architecture")
    if module is None:
        return []
    found: list[Finding] = module.check_architecture(
        changes, policy, imports, tree, options.cache_dir, objects=objects
    )
    return found


def _message_checks(changes: ChangeSet, policy: Policy) -> list[Finding]:
    settings = policy.enabled("refactor-explained")
    if settings is None or not changes.commits:
        return []
    module = _optional_module("agent_guard.checks.refactor_explained")
    if module is None or not hasattr(module, "check_message"):
        return []
    check: Callable[..., list[Finding]] = module.check_message
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
    """Fill `source` with the offending line (never for secrets: they mask themselves)."""
    if finding.source is not None or finding.check == "secret" or finding.line <= 0:
        return finding
    oid = _blob_of(finding, changes)
    if oid is None:
        return finding
    lines = cache.texts.get(oid)
    if lines is None:
        text = _read_text(objects, oid, cache)
        if text is None:
            return finding
        lines = cache.texts[oid]
    if finding.line > len(lines):
        return finding
    return replace(finding, source=lines[finding.line - 1].rstrip())


def _blob_of(finding: Finding, changes: ChangeSet) -> str | None:
    files: Iterable[ChangedFile] = changes.files
    if finding.commit is not None:
        files = next((c.files for c in changes.commits if c.commit.oid == finding.commit), ())
    for file in files:
        if file.path == finding.path and file.has_content:
            return file.new_oid
    return None
