"""policy-change (AG002): a change to agent-guard's own policy needs an approver.

## What it does
Flags every change to what decides what agent-guard enforces: the active rule files (those
the config's `rules:` discovers, or the default discovery without one; a new file that
discovery would read counts), the config (`.agent-guard.yaml`, or the `[tool.agent-guard]`
table of `pyproject.toml`), the allowed signers of approvers (`escalation.allowed_signers`),
the baseline (`.agent-guard-baseline.json`), anything under `.agent-guard/`, and the parts of
`.pre-commit-config.yaml` that run agent-guard: the repository entry with an agent-guard
hook (its `rev`, hooks, `args`, `stages`), a local hook whose `entry` runs agent-guard, and
the top-level `files` / `exclude` / `default_stages` / `default_install_hook_types` /
`default_language_version` when agent-guard is configured there. Other edits of
`pyproject.toml` or `.pre-commit-config.yaml` (bumping another tool's `rev`) are not a
policy change; removing the agent-guard hook is.

It also flags an added or changed `.pth` file anywhere in the tree: Python's `site` runs
the `import` lines of every `.pth` file in a site directory at interpreter start, so one is
code that runs before any check (agent-guard's included) in every process of that
environment. Deleting one is not flagged.

Look-alike paths are policy too: `AGENTS.MD`, `agents.md`, `.Cursor/rules/z.mdc` or
`.Agent-Guard.yaml` are the rule file or config on a case-insensitive or normalising file
system (macOS, Windows), so they are flagged like it. A tree entry that is `.git` on some
file system (any case, HFS+ ignorable code points, NTFS `GIT~1`, `.git.`) is an error, not
an escalation: no approver can make it safe.

## Why is this bad
An agent that may edit its own rules is not bound by them: deleting a line of the rule
file, excluding a folder in the config or removing the hook from `.pre-commit-config.yaml`
would silently switch a check off. On the server, a push is judged by the policy at the tip
of the ref being updated, not by the pushed one, so a loosened policy never judges itself.

## Example
```diff
# .agent-guard.yaml
 checks:
-  print-call: {severity: error}
+  print-call: {enabled: false}
```

## Fix
Policy changes are for humans: ask an approver to review and approve the change with a
commit trailer `Escalation-Approved-By: Name <email>` (`agent-guard approve` writes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from agent_guard.changes.model import ChangedFile
from agent_guard.checks.base import Context, FileUnit, Unit, make_finding
from agent_guard.checks.options import Option
from agent_guard.globs import compiled_rules
from agent_guard.model import Finding, Severity
from agent_guard.policy.load import DEFAULT_RULE_PATTERNS, is_rule_file_path
from agent_guard.policy.model import CheckSettings, Policy

OPTIONS: tuple[Option[object], ...] = ()

CONFIG_FILES = (".agent-guard.yaml", ".agent-guard.yml", ".agent-guard-baseline.json")
POLICY_DIR = ".agent-guard/"
PYPROJECT = "pyproject.toml"
PRE_COMMIT = ".pre-commit-config.yaml"
#: Files only part of which is policy: the part is compared between old and new blob.
PARTLY_POLICY = (PYPROJECT, PRE_COMMIT)

BlobReader = Callable[[str], bytes]


# Code points HFS+ ignores in names (so `.git\u200c` is `.git` on a Mac), as git's own
# `is_hfs_dotgit` lists them.
_HFS_IGNORABLE = dict.fromkeys(
    [0x200C, 0x200D, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x206A, 0x2070), 0xFEFF]
)


@lru_cache(maxsize=1 << 14)  # a push asks for the same paths in commit after commit
def folded(path: str) -> str:
    """`path` as a case-insensitive, normalising file system (macOS, Windows) resolves it.

    Case-folded, NFC-normalised, without the code points HFS+ ignores, and with what NTFS
    drops from each part: trailing dots and spaces, and an `::$DATA`-style stream suffix.
    `AGENTS.MD`, `.Cursor/rules/z.mdc` and `.agent-guard.yaml.` check out as the rule file or
    config they look like there, so they are policy like it.
    """
    import unicodedata

    text = unicodedata.normalize("NFC", path.translate(_HFS_IGNORABLE).casefold())
    return "/".join(part.split("::", 1)[0].rstrip(". ") or part for part in text.split("/"))


def is_git_dir_entry(path: str) -> bool:
    """True when a part of `path` is the repository's `.git` on some file system: `.git` in
    any case or with HFS+ ignorable code points, NTFS's short name `git~1`, `.git.`, ..."""
    return any(part in (".git", "git~1") for part in folded(path).split("/"))


def is_policy_path(path: str, policy: Policy) -> bool:
    """True for a file that is (or would become) part of the policy; pyproject.toml aside.

    Look-alikes count (`folded`): a path that a case-insensitive or normalising checkout
    reads as a rule file or config is one.
    """
    known = _answers_for(policy)
    answer = known.get(path)
    if answer is None:
        answer = _is_policy_path(path, policy) or _is_policy_path_folded(folded(path), policy)
        known[path] = answer
    return answer


# The answers for one policy (held, so that its id cannot be reused): a push asks about the
# same paths in commit after commit, and each answer runs a dozen pattern tests.
_ANSWERS: list[tuple[Policy, dict[str, bool]]] = []


def _answers_for(policy: Policy) -> dict[str, bool]:
    if not _ANSWERS or _ANSWERS[0][0] is not policy:
        _ANSWERS[:] = [(policy, {})]
    return _ANSWERS[0][1]


def _is_policy_path_folded(path: str, policy: Policy) -> bool:
    """`_is_policy_path` for a folded path: every name it compares with is folded too."""
    if path in PARTLY_POLICY:
        return False
    if path in _folded_names(CONFIG_FILES) or path.startswith(POLICY_DIR):
        return True
    if not policy.policy_files and is_rule_file_path(path, _folded_names(DEFAULT_RULE_PATTERNS)):
        return True
    config = [policy.config_path] if policy.config_path else []
    known = (
        *config,
        *(rule_file.path for rule_file in policy.rule_files),
        *_signers(policy),
    )
    if path in _folded_names(tuple(known)):
        return True
    return _matches_folded(policy.policy_files.rules, path)


@cache
def _folded_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(folded(name) for name in names)


@cache
def _folded_rules(rules: tuple[tuple[str, bool], ...]) -> list[tuple[re.Pattern[str], bool]]:
    return compiled_rules(rules, re.IGNORECASE)


def _matches_folded(rules: tuple[tuple[str, bool], ...], path: str) -> bool:
    """GlobSet.matches, case-insensitively (gitignore order: the last match wins)."""
    matched = False
    for regex, include in _folded_rules(rules):
        if regex.match(path):
            matched = include
    return matched


def _signers(policy: Policy) -> tuple[str, ...]:
    """The repository-relative allowed-signers files of the escalation settings."""
    return tuple(
        name.lstrip("/") if name.startswith("/") else name
        for name in policy.escalation.allowed_signers
        if not name.startswith(("~", "$")) and ".." not in name.split("/")
    )


def _is_policy_path(path: str, policy: Policy) -> bool:
    if path in PARTLY_POLICY:
        return False  # only their agent-guard part is policy: see check_file
    if path in CONFIG_FILES or path.startswith(POLICY_DIR):
        return True
    if not policy.policy_files and is_rule_file_path(path):
        return True  # a policy built without discovery: the default patterns
    if path == policy.config_path or any(rule_file.path == path for rule_file in policy.rule_files):
        return True
    if path in _signers(policy):
        return True
    # the active rule files and those the `rules:` patterns would discover
    return bool(policy.policy_files) and policy.policy_files.matches(path)


def _tool_table(data: bytes | None) -> object:
    """The `[tool.agent-guard]` table of a pyproject.toml blob (None when absent).

    A file that does not parse yields its raw bytes when it mentions agent-guard, so a
    broken file never hides a change (fail closed).
    """
    if data is None:
        return None
    import tomllib

    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return data if b"agent-guard" in data else None
    tool = document.get("tool")
    return tool.get("agent-guard") if isinstance(tool, dict) else None


AGENT_GUARD = re.compile(r"agent[-_]guard", re.IGNORECASE)
#: Top-level keys of .pre-commit-config.yaml that change what every hook (ours too) sees.
PRE_COMMIT_GLOBAL = (
    "files", "exclude", "default_stages", "default_install_hook_types",
    "default_language_version",
)  # fmt: skip


def _pre_commit_part(data: bytes | None) -> object:
    """The part of a .pre-commit-config.yaml blob that configures agent-guard, or None.

    The repos entries with a hook whose id (or the repo's URL) names agent-guard, with rev
    and hooks as written; local hooks whose `entry` runs agent-guard; and, when one of those
    exists, the top-level keys that filter or stage every hook. A file that does not parse
    yields its raw bytes when it mentions agent-guard (fail closed).
    """
    if data is None or not AGENT_GUARD.search(data.decode("utf-8", "replace")):
        return None
    import yaml

    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError:
        return data
    if not isinstance(document, dict):
        return data
    entries: list[object] = []
    repos = document.get("repos")
    for repo in repos if isinstance(repos, list) else []:
        if not isinstance(repo, dict):
            continue
        hooks = repo.get("hooks")
        ours = [
            hook
            for hook in (hooks if isinstance(hooks, list) else [])
            if isinstance(hook, dict)
            and (
                AGENT_GUARD.search(str(hook.get("id", "")))
                or AGENT_GUARD.search(str(hook.get("entry", "")))
            )
        ]
        if repo.get("repo") in ("local", "meta"):
            if ours:
                entries.append({"repo": repo.get("repo"), "hooks": ours})
        elif ours or AGENT_GUARD.search(str(repo.get("repo", ""))):
            entries.append(repo)
    if not entries:
        return None
    return {"repos": entries, **{key: document.get(key) for key in PRE_COMMIT_GLOBAL}}


def is_startup_file(file: ChangedFile) -> bool:
    """True for a `.pth` file the change adds or changes (any case: `X.PTH` loads on Windows)."""
    return file.new_oid is not None and file.path.lower().endswith(".pth")


def startup_file_finding(
    file: ChangedFile, settings: CheckSettings, commit: str | None
) -> Finding | None:
    """A finding for an added or changed `.pth` file (it runs code at interpreter start)."""
    if not is_startup_file(file):
        return None
    return make_finding(
        settings,
        file.path,
        min(file.added_lines) if file.added_lines else 1,
        1,
        f"this change {file.status} {file.path}, a .pth file: Python runs its import lines "
        "at interpreter start, before any check: it needs an approver",
        "ask an approver to review and approve it, or ship the code as a normal module",
        commit=commit,
        extra=(("policy_path", file.path), ("kind", "startup-file")),
    )


def git_dir_finding(
    file: ChangedFile, settings: CheckSettings, commit: str | None
) -> Finding | None:
    """An error (never approvable) for a tree entry that is `.git` on some file system.

    git refuses such trees only with `receive.fsckObjects`, off by default; checked out on
    the file system it aliases, the entry writes into the repository's own `.git` (hooks,
    config: code that runs on the next git command).
    """
    hit = next((path for path in file.paths if is_git_dir_entry(path)), None)
    if hit is None:
        return None
    finding = make_finding(
        settings,
        file.path,
        1,
        1,
        f"this change {file.status} {hit}: a path that is the repository's own .git "
        "directory on a case-insensitive or normalising file system; refused",
        "remove the entry from history (rewrite the commits that add it)",
        commit=commit,
        extra=(("policy_path", hit), ("kind", "git-dir")),
    )
    return finding._replace(severity=Severity.ERROR)


def check_file(
    file: ChangedFile,
    policy: Policy,
    settings: CheckSettings,
    read_blob: BlobReader,
    commit: str | None,
) -> Finding | None:
    """A finding when `file` changes the policy; pyproject.toml and .pre-commit-config.yaml
    only if their agent-guard part changed."""
    hit = next((path for path in file.paths if is_policy_path(path, policy)), None)
    what = "agent-guard's policy"
    for name, part, described in (
        (PYPROJECT, _tool_table, "the [tool.agent-guard] table of pyproject.toml"),
        (PRE_COMMIT, _pre_commit_part, "the agent-guard hooks of .pre-commit-config.yaml"),
    ):
        if hit is not None or not any(folded(path) == name for path in file.paths):
            continue
        old = read_blob(file.old_oid) if file.old_oid and not file.is_submodule else None
        new = read_blob(file.new_oid) if file.new_oid and not file.is_submodule else None
        if part(old) != part(new):
            hit, what = name, described
    if hit is None:
        return None
    line = min(file.added_lines) if file.added_lines else 1
    return make_finding(
        settings,
        file.path,
        line,
        1,
        f"this change {file.status} {hit}, part of {what}: an agent must not change "
        "the rules it is judged by",
        "ask an approver to review and approve this policy change",
        commit=commit,
        extra=(("policy_path", hit),),
    )


class PolicyChangeCheck:
    """Each changed path: is it (or does it become) part of agent-guard's policy?"""

    unit = Unit.PATH

    def run(self, unit: FileUnit, context: Context) -> list[Finding]:
        read = context.objects.read_blob
        found = git_dir_finding(unit.file, context.settings, unit.commit)
        if found is None:
            found = check_file(unit.file, context.policy, context.settings, read, unit.commit)
        if found is None:
            found = startup_file_finding(unit.file, context.settings, unit.commit)
        return [found] if found is not None else []


CHECK = PolicyChangeCheck()
