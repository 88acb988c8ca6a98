"""`agent-guard init`: a starter `.agent-guard.yaml` written from the discovered rule files.

The rule file names components in prose ("WhatsApp never talks to DB directly"); only the
team knows which folders those are. `init` guesses from folder names, writes what it
inferred, and leaves a commented TODO for every component it could not map, so the first
config is a short review rather than a blank page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click

from agent_guard.errors import UsageError
from agent_guard.policy import catalog
from agent_guard.policy.compiler import SYNONYMS
from agent_guard.policy.config import Config
from agent_guard.policy.load import (
    CONFIG_FILE,
    DEFAULT_RULE_PATTERNS,
    SKIPPED_DIRS,
    WorkTreeSource,
    compile_files,
    find_root,
)
from agent_guard.policy.model import Policy

HEADER = """\
# agent-guard configuration, written by `agent-guard init` from your rule files.
# Review every TODO below; `agent-guard rules` shows what this policy enforces.
# Reference: docs/config.md
"""


@dataclass(frozen=True, slots=True)
class Mapped:
    """A component a rule names, and the folders found for it (empty: not found)."""

    word: str  # as the rule writes it
    where: str  # file:line of the rule
    folders: tuple[str, ...]


@click.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing .agent-guard.yaml.")
def command(force: bool) -> None:
    """Write a starter .agent-guard.yaml from the discovered rule files."""
    root = find_root(Path.cwd())
    target = root / CONFIG_FILE
    if target.exists() and not force:
        raise UsageError("already exists; use --force to overwrite it", CONFIG_FILE)
    source = WorkTreeSource(root)
    files = [
        (name, data)
        for name in source.paths(DEFAULT_RULE_PATTERNS)
        if (data := source.read(name)) is not None
    ]
    policy = compile_files(Config(), files, DEFAULT_RULE_PATTERNS)
    text = starter_config(policy, _folders(root))
    target.write_text(text, encoding="utf-8")
    click.echo(
        f"wrote {CONFIG_FILE} from {len(files)} rule file(s); review its TODOs, then "
        "run `agent-guard rules`"
    )


def starter_config(policy: Policy, folders: Iterable[str]) -> str:
    """The YAML text: inferred components, TODOs for the rest, and what the rules enable."""
    folder_list = sorted(folders)
    mapped = _components(policy, folder_list)
    out: list[str] = [HEADER]
    out.append("# Rule files found (the default discovery finds them; list them to narrow it):")
    out.extend(f"#   {rule_file.path}" for rule_file in policy.rule_files)
    if not policy.rule_files:
        out.append("#   (none: write .cursor/rules/*.mdc or AGENTS.md first)")
    out.append("")
    found = {name: m for name, m in mapped.items() if m.folders}
    out.append("components:" if found else "components: {}")
    for name, component in found.items():
        paths = ", ".join(f'"{folder}/**"' for folder in component.folders)
        modules = ", ".join(f'"{folder.replace("/", ".")}"' for folder in component.folders)
        out.append(f"  # {component.word!r} in {component.where}")
        out.append(f"  {name}: {{paths: [{paths}], modules: [{modules}]}}")
    for name, component in mapped.items():
        if component.folders:
            continue
        out.append(
            f"  # TODO: the rules name {component.word!r} ({component.where}) but no "
            "folder matched; map it:"
        )
        out.append(f'  # {name}: {{paths: ["path/to/{name}/**"], modules: ["package.{name}"]}}')
    out.append("")
    out.append("escalation:")
    out.append("  # TODO: who may approve escalations (git user names or emails).")
    out.append("  approvers: []")
    if policy.protected:
        out.append("  # Protected by the rule files already (no need to repeat them here):")
        out.extend(
            f"  #   {p.pattern}  ({p.rule.file}:{p.rule.line})" for p in policy.protected if p.rule
        )
    out.append("  protected: []")
    out.append("")
    out.append("# Checks the rules enable, with the severity their words give. Override one with")
    out.append('# e.g. `print-call: {severity: warning, exclude: ["scripts/**"]}`.')
    out.append("checks: {}")
    for settings in policy.checks.values():
        origin = f"  # {settings.rule.file}:{settings.rule.line}" if settings.rule else ""
        out.append(f"#   {settings.slug}: {{severity: {settings.severity.value}}}{origin}")
    return "\n".join(out) + "\n"


def _components(policy: Policy, folders: list[str]) -> dict[str, Mapped]:
    """Every component word the architecture rules use, with folders named like it."""
    mapped: dict[str, Mapped] = {}
    for rule in policy.rules:
        if not {"boundary", "llm-writes"} & set(rule.checks):
            continue
        for claim in catalog.claims(rule.text):
            for word in (claim.source, claim.target):
                if word is None:
                    continue
                name = _canonical(word)
                if name not in mapped:
                    where = f"{rule.file}:{rule.line}"
                    mapped[name] = Mapped(word, where, _matching(name, folders))
    return mapped


def _canonical(word: str) -> str:
    lowered = word.lower()
    return "db" if lowered in ("database", "databases") else lowered


def _matching(name: str, folders: list[str]) -> tuple[str, ...]:
    """The shallowest folders whose last part is the component's name or a synonym."""
    names = {name, *SYNONYMS.get(name, ())}
    hits = [folder for folder in folders if folder.rpartition("/")[2].lower() in names]
    if not hits:
        return ()
    depth = min(hit.count("/") for hit in hits)
    return tuple(hit for hit in hits if hit.count("/") == depth)


def _folders(root: Path) -> list[str]:
    """Folders of the work tree (repository-relative), skipping VCS and virtualenvs."""
    found: list[str] = []
    for folder, dirs, _ in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]
        relative = Path(folder).relative_to(root).as_posix()
        if relative != ".":
            found.append(relative)
    return found
