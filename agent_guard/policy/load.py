"""Find the rule files and config, compile them into a Policy — or reuse the cached one.

This module is on the commit-time hot path, so it imports nothing heavy: with a warm cache a
policy is loaded by reading the config and rule files, hashing their bytes and unpickling
the compiled Policy — PyYAML, lxml and pathspec are imported only when something changed.

Where the files come from is a `PolicySource`: the work tree for `agent-guard rules` and the
pre-commit hook, a git tree for the server (pre-receive reads the policy from the current
tip of the ref, never from the commits being pushed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from agent_guard import __version__
from agent_guard.errors import UsageError
from agent_guard.globs import glob_to_regex
from agent_guard.policy.model import Policy

if TYPE_CHECKING:
    from agent_guard.policy.config import Config

log = logging.getLogger(__name__)

# Every rule-file format agents read, root and nested (see docs/rules.md, "Discovery").
# Nested AGENTS.md / CLAUDE.md / GEMINI.md and nested `.cursor/rules` govern their folder.
DEFAULT_RULE_PATTERNS: tuple[str, ...] = (
    "**/.cursor/rules/**/*.mdc",
    "**/.cursor/rules/**/*.md",
    ".cursorrules",
    "**/AGENTS.md",
    "**/CLAUDE.md",
    "**/GEMINI.md",
    ".github/copilot-instructions.md",
    ".github/instructions/**/*.instructions.md",
    ".windsurfrules",
    ".windsurf/rules/**/*.md",
    ".clinerules",
    ".clinerules/**/*.md",
)
NO_RULE_FILE = (
    "no rule file found (AGENTS.md, CLAUDE.md, GEMINI.md, .cursor/rules/, .cursorrules, "
    ".github/copilot-instructions.md, .github/instructions/, .windsurfrules, .windsurf/rules/, "
    ".clinerules): nothing your rules say is enforced, only the always-on checks run "
    "(syntax-error, policy-change, suppression-reason)"
)
# The file names whose nested copies scope to their own folder, as the agents read them.
NESTED_NAMES = ("AGENTS.md", "CLAUDE.md", "GEMINI.md")
CONFIG_FILE = ".agent-guard.yaml"
BASELINE_FILE = ".agent-guard-baseline.json"  # `agent-guard baseline` (verdict/baseline.py)
PYPROJECT = "pyproject.toml"
CACHE_FORMAT = 7  # bump when the pickled shape or the compiler changes
# (5: derived boundaries; 6: nested rule files scope their protected names)
# The files that make a folder a package: listed only when a boundary rule names a component
# the config does not define, and then part of the cache key (see `_Packages`).
PACKAGE_PATTERN = "**/__init__.py"
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


class PolicySource(Protocol):
    """Where policy files are read from. Paths are repository-relative, with `/`.

    `read(path)` returns the file's bytes, or None when it does not exist.
    `paths(patterns)` returns, sorted, the existing files matching any of the glob patterns
    (`*` within one folder, `**` across folders, anchored at the repository root); use
    `matches_pattern` to implement it over any list of paths.
    `link_problem(path)` says why a symbolic link cannot be read as a rule file (None: it
    can, or it is no link); `same_file(path)` names the file a link resolves to, so a rule
    file linked under two names is read once. A source without links returns None from both.
    """

    def read(self, path: str) -> bytes | None: ...

    def paths(self, patterns: Sequence[str]) -> list[str]: ...

    def link_problem(self, path: str) -> str | None: ...

    def same_file(self, path: str) -> str | None: ...


class WorkTreeSource:
    """Policy files as they are in a checkout's work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when absent. Present but unreadable is an error, not None:
        a config silently skipped (a directory, no permission) would weaken the policy."""
        try:
            return (self.root / path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise UsageError(f"cannot read: {error.strerror or error}", path) from None

    def paths(self, patterns: Sequence[str]) -> list[str]:
        """One walk per distinct starting folder (a single walk for all `**/...` patterns)."""
        found: set[str] = set()
        starts: dict[str, list[str]] = {}
        for pattern in patterns:
            base = _literal_prefix(pattern)
            if (self.root / base).is_file() if base else False:
                if matches_pattern(pattern, base) or base == pattern.lstrip("/"):
                    found.add(base)
                continue
            starts.setdefault(base, []).append(pattern)
        root = os.fspath(self.root)
        for base, group in starts.items():
            start = self.root / base if base else self.root
            for folder, dirs, files in os.walk(start):
                dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
                # os.walk yields `root` + "/..." strings: slicing is the relative path, and
                # costs nothing next to Path.relative_to (a quarter of a commit hook's load)
                relative = folder[len(root) :].lstrip(os.sep).replace(os.sep, "/")
                prefix = relative + "/" if relative else ""
                found.update(
                    prefix + f for f in files if any(matches_pattern(p, prefix + f) for p in group)
                )
        return sorted(found)

    def link_problem(self, path: str) -> str | None:
        """Why a symbolic-link rule file cannot be read (dangling, or leaves the repository)."""
        full = self.root / path
        if not full.is_symlink():
            return None
        try:
            target = full.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a dangling symbolic link"
        try:
            target.relative_to(self.root.resolve())
        except ValueError:
            return "a symbolic link to a path outside the repository"
        return None

    def same_file(self, path: str) -> str | None:
        """The repository-relative path a symbolic link resolves to (None: not a link)."""
        full = self.root / path
        if not full.is_symlink():
            return None
        try:
            return full.resolve(strict=True).relative_to(self.root.resolve()).as_posix()
        except (OSError, RuntimeError, ValueError):
            return None


def matches_pattern(pattern: str, path: str) -> bool:
    """Whether repository-relative `path` matches a rule-file glob (stdlib only)."""
    return _pattern_regex(pattern).fullmatch(path) is not None


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern, anywhere=False, below=False))


def _literal_prefix(pattern: str) -> str:
    """The folders before the first wildcard: where a walk for `pattern` can start."""
    head = re.split(r"[*?\[]", pattern.lstrip("/"), maxsplit=1)[0]
    if head == pattern.lstrip("/"):
        return head
    return head.rpartition("/")[0]


def find_root(start: Path) -> Path:
    """The enclosing repository's top folder (the one holding `.git`), else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


class _ConfigInput(NamedTuple):
    name: str | None  # display path, None: no config at all
    data: bytes
    kind: str  # "yaml" | "pyproject" | "none"


class _CacheEntry(NamedTuple):
    format: int
    patterns: tuple[str, ...] | None  # the rule globs the config asked for (None: explicit)
    key: str
    policy: Policy
    uses_packages: bool = False  # the policy depends on the repository's package folders


class _Packages:
    """The repository's package folders (those holding `__init__.py`), listed on first use.

    The compiler asks only when a boundary rule names a component the config does not
    define, so most policies never list the tree, and only those that did are keyed by it."""

    def __init__(self, source: PolicySource) -> None:
        self.source = source
        self.listed: list[str] | None = None

    def __call__(self) -> list[str]:
        if self.listed is None:
            self.listed = package_folders(self.source)
        return self.listed


def package_folders(source: PolicySource) -> list[str]:
    """Every folder of the repository that holds an `__init__.py`, sorted."""
    return sorted(
        {path.rpartition("/")[0] for path in source.paths([PACKAGE_PATTERN]) if "/" in path}
    )


def load_policy(
    root: Path,
    *,
    config: Path | None = None,
    rules: Sequence[Path] | None = None,
    source: PolicySource | None = None,
    cache_dir: Path | None = None,
    baseline: bool = True,
) -> Policy:
    """The compiled policy of the repository at `root`.

    `config` / `rules` name files explicitly (read from the file system, relative to the
    current folder); otherwise `.agent-guard.yaml` or pyproject's `[tool.agent-guard]` and the
    rule files are found through `source` (default: the work tree at `root`). With
    `cache_dir`, the compiled policy is cached there, keyed by the bytes it came from.
    `baseline`: attach the baseline file's findings (False for `agent-guard baseline`,
    which writes that file, and must be able to replace a broken one).
    """
    source = source or WorkTreeSource(root)
    policy = _compiled(root, config, rules, source, cache_dir)
    return _with_baseline(policy, source) if baseline else policy


def _with_baseline(policy: Policy, source: PolicySource) -> Policy:
    """The policy with the baseline file of the same source (the work tree, a trusted tree):
    read on every load (one small JSON file), never cached with the compiled policy."""
    data = source.read(BASELINE_FILE)
    if data is None:
        return policy
    from agent_guard.verdict.baseline import parse

    return policy._replace(baseline=parse(data, BASELINE_FILE))


def _compiled(
    root: Path,
    config: Path | None,
    rules: Sequence[Path] | None,
    source: PolicySource,
    cache_dir: Path | None,
) -> Policy:
    """The compiled policy (rules and config), from the cache when its inputs are unchanged."""
    config_input = _config_input(root, config, source)
    explicit = None if rules is None else [_explicit_rule_file(root, path) for path in rules]
    head = hashlib.sha256()
    for part in (__version__, str(CACHE_FORMAT), config_input.kind, config_input.name or ""):
        head.update(part.encode() + b"\0")
    head.update(config_input.data)
    for name, _ in explicit or ():
        head.update(b"\0rule\0" + name.encode())
    cache_file = cache_dir / f"policy-{head.hexdigest()[:32]}.pickle" if cache_dir else None

    entry = _read_cache(cache_file) if cache_file else None
    if entry is not None:
        files, skipped = (
            (explicit, []) if explicit is not None else discover(source, entry.patterns or ())
        )
        packages = package_folders(source) if entry.uses_packages else None
        key = _full_key(head, files, skipped, packages)
        if key == entry.key:
            log.debug("policy from cache %s", cache_file)
            if entry.policy.fingerprint != key:
                return entry.policy._replace(fingerprint=key)
            return entry.policy

    parsed_config = _parse_config(config_input)
    patterns = None if explicit is not None else (parsed_config.rules or DEFAULT_RULE_PATTERNS)
    files, skipped = (explicit, []) if explicit is not None else discover(source, patterns or ())
    if patterns is not None and parsed_config.rules is not None and not files:
        wanted = ", ".join(parsed_config.rules)
        raise UsageError(f"no rule file matches rules: {wanted}", config_input.name)
    lister = _Packages(source)
    compiled = compile_files(parsed_config, files, patterns or (), packages=lister)
    key = _full_key(head, files, skipped, lister.listed)
    policy = compiled._replace(fingerprint=key, unread=tuple(skipped))
    if cache_file is not None:
        entry = _CacheEntry(CACHE_FORMAT, patterns, key, policy, lister.listed is not None)
        _write_cache(cache_file, entry)
    return policy


def compile_files(
    config: Config,
    files: Sequence[tuple[str, bytes]],
    patterns: Sequence[str] = (),
    packages: Callable[[], Sequence[str]] | None = None,
) -> Policy:
    """Parse rule files (name, bytes) and compile them under `config` (imports lxml etc.).
    `packages` lists the repository's package folders, for components the rules name."""
    from agent_guard.policy.compiler import compile_policy
    from agent_guard.policy.rulefile import parse_rule_file

    parsed = [parse_rule_file(name, data) for name, data in files]
    return compile_policy(config, parsed, patterns, packages)


def _config_input(root: Path, config: Path | None, source: PolicySource) -> _ConfigInput:
    if config is not None:
        try:
            data = config.read_bytes()
        except OSError as error:
            raise UsageError(f"cannot read config: {error.strerror}", str(config)) from None
        kind = "pyproject" if config.name == PYPROJECT else "yaml"
        return _ConfigInput(_display(root, config), data, kind)
    data_or_none = source.read(CONFIG_FILE)
    if data_or_none is not None:
        return _ConfigInput(CONFIG_FILE, data_or_none, "yaml")
    data_or_none = source.read(PYPROJECT)
    if data_or_none is not None and b"agent-guard" in data_or_none:
        return _ConfigInput(PYPROJECT, data_or_none, "pyproject")
    return _ConfigInput(None, b"", "none")


def _parse_config(config_input: _ConfigInput) -> Config:
    from agent_guard.policy.config import Config, parse_pyproject_config, parse_yaml_config

    name = config_input.name
    if name is None:
        return Config()
    try:
        text = config_input.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("config is not UTF-8", name) from None
    if config_input.kind == "pyproject":
        return parse_pyproject_config(text, name) or Config()
    return parse_yaml_config(text, name)


def _explicit_rule_file(root: Path, path: Path) -> tuple[str, bytes]:
    try:
        return _display(root, path), path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read rule file: {error.strerror}", str(path)) from None


def _rule_files(source: PolicySource, patterns: Sequence[str]) -> list[tuple[str, bytes]]:
    return discover(source, patterns)[0]


def discover(
    source: PolicySource, patterns: Sequence[str]
) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """The rule files matching `patterns` (name, bytes), and those found but not read (why).

    A symbolic link to another rule file is read once (under the target's name); a dangling
    link is listed as not read; a link that leaves the repository is an error, because a rule
    file must not be governed by anything outside the repository.
    """
    files: list[tuple[str, bytes]] = []
    skipped: list[tuple[str, str]] = []
    names = source.paths(patterns)
    listed = set(names)
    for name in names:
        problem = source.link_problem(name)
        if problem is not None and "outside" in problem:
            raise UsageError(f"rule file is {problem}", name)
        if problem is not None:
            skipped.append((name, problem))
            continue
        target = source.same_file(name)
        if target is not None and target != name and target in listed:
            skipped.append((name, f"a symbolic link to {target}, read once as {target}"))
            continue
        data = source.read(name)
        if data is None:
            skipped.append((name, "could not be read"))
            continue
        files.append((name, data))
    return files, skipped


def is_rule_file_path(path: str, patterns: Sequence[str] = DEFAULT_RULE_PATTERNS) -> bool:
    """Whether repository-relative `path` is a rule file by discovery (stdlib only).

    The one answer to "is this a rule file?": `policy-change` asks it of every changed path,
    so a new rule file anywhere discovery would read it is a change to the policy.
    """
    return any(matches_pattern(pattern, path) for pattern in patterns)


def _display(root: Path, path: Path) -> str:
    """Repository-relative with `/` when inside the repository, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _full_key(
    head: hashlib._Hash,
    files: Sequence[tuple[str, bytes]],
    skipped: Sequence[tuple[str, str]] = (),
    packages: Sequence[str] | None = None,
) -> str:
    digest = head.copy()
    if packages is not None:
        digest.update(b"\0packages\0" + "\0".join(packages).encode())
    for name, data in files:
        digest.update(b"\0file\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    for name, why in skipped:
        digest.update(b"\0skip\0" + name.encode() + b"\0" + why.encode())
    return digest.hexdigest()


def _read_cache(path: Path) -> _CacheEntry | None:
    try:
        with path.open("rb") as stream:
            entry = pickle.load(stream)
    except FileNotFoundError:
        return None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
        IndexError,
    ) as error:
        log.info("ignoring unreadable policy cache %s: %s", path, error)
        return None
    if not isinstance(entry, _CacheEntry) or entry.format != CACHE_FORMAT:
        log.info("ignoring foreign policy cache %s", path)
        return None
    return entry


def _write_cache(path: Path, entry: _CacheEntry) -> None:
    """Write atomically (temp file + rename), so concurrent runs never read half a file."""
    import tempfile

    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".policy-", delete=False) as tmp:
            temporary = tmp.name
            pickle.dump(entry, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
        log.info("could not write policy cache %s: %s", path, error)
        if temporary is not None:  # e.g. the disk filled up mid-write: leave nothing behind
            Path(temporary).unlink(missing_ok=True)
        return
    try:
        for stale in sorted(path.parent.glob("policy-*.pickle"), key=_mtime)[:-8]:
            stale.unlink(missing_ok=True)
    except OSError as error:
        log.info("could not prune the policy cache: %s", error)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
