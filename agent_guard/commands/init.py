"""`agent-guard init`: a starter `.agent-guard.yaml` written from the discovered rule files.

The rule file names components in prose ("WhatsApp never talks to DB directly"); only the
team knows which folders those are. `init` guesses from the importable first-party packages
of the tree (`policy.layout`: never tests, docs, migrations or folders without Python),
named as Python imports them, writes what it inferred, and leaves a commented TODO for
every component it could not map, so the first config is a short review rather than a
blank page. It prints what it matched and why, what it skipped, and the files each
protected pattern matches today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from agent_guard.commands.tree import coverage, describe, read_head, tree_paths
from agent_guard.errors import UsageError
from agent_guard.policy import catalog
from agent_guard.policy.compiler import SYNONYMS
from agent_guard.policy.config import Config
from agent_guard.policy.layout import HIDDEN, Layout, Package, find_packages
from agent_guard.policy.load import (
    CONFIG_FILE,
    DEFAULT_RULE_PATTERNS,
    WorkTreeSource,
    compile_files,
    find_root,
)
from agent_guard.policy.model import Policy
from agent_guard.report.escape import escape

HEADER = """\
# agent-guard configuration, written by `agent-guard init` from your rule files.
# Review every TODO below; `agent-guard rules` shows what this policy enforces.
# Reference: docs/config.md
"""


@dataclass(frozen=True, slots=True)
class Mapped:
    """A component a rule names, the packages found for it (empty: not found), and the
    folders named like it that were skipped."""

    word: str  # as the rule writes it
    where: str  # file:line of the rule
    packages: tuple[Package, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (folder, why)


SHOWN = 12


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
    paths = tree_paths(root)
    layout = find_packages(paths, lambda path: read_head(root / path))
    mapped = components(policy, layout)
    target.write_text(starter_config(policy, mapped), encoding="utf-8")
    click.echo(
        f"wrote {CONFIG_FILE} from {len(files)} rule file(s); review its TODOs, then "
        "run `agent-guard rules`"
    )
    click.echo(report(policy, layout, mapped, paths), nl=False)


def starter_config(policy: Policy, mapped: dict[str, Mapped]) -> str:
    """The YAML text: inferred components, TODOs for the rest, and what the rules enable."""
    out: list[str] = [HEADER]
    out.append("# Rule files found (the default discovery finds them; list them to narrow it):")
    out.extend(f"#   {rule_file.path}" for rule_file in policy.rule_files)
    if not policy.rule_files:
        out.append("#   (none: write .cursor/rules/*.mdc or AGENTS.md first)")
    out.append("")
    found = {name: m for name, m in mapped.items() if m.packages}
    out.append("components:" if found else "components: {}")
    for name, component in found.items():
        paths = ", ".join(json.dumps(_glob(package)) for package in component.packages)
        modules = ", ".join(json.dumps(package.name) for package in component.packages)
        out.append(f"  # {component.word!r} in {component.where}")
        out.append(f"  {name}: {{paths: [{paths}], modules: [{modules}]}}")
    for name, component in mapped.items():
        if component.packages:
            continue
        out.append(
            f"  # TODO: the rules name {component.word!r} ({component.where}) but no "
            "first-party package matched; map it:"
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


def report(policy: Policy, layout: Layout, mapped: dict[str, Mapped], paths: list[str]) -> str:
    """What init matched and why, what it skipped, and what each protected pattern covers."""
    out: list[str] = []
    tops = [p for p in layout.packages if "." not in p.name and p.kind != "module"]
    count = sum(1 for p in layout.packages if p.kind != "module")
    names = ", ".join(
        f"{p.name} ({p.path}/{'' if p.rooted else ', in a folder that is no import root'})"
        for p in tops[:SHOWN]
    )
    out.append(f"first-party Python: {count} package(s); top level: {names or 'none'}")
    for name, component in mapped.items():
        if component.packages:
            for package in component.packages:
                out.append(
                    f"component {name}: {_glob(package)} -> {package.name} ({package.kind} "
                    f"named like {component.word!r}, {component.where})"
                )
        else:
            words = ", ".join(sorted(_names(name)))
            out.append(
                f"component {name}: not found (no first-party package named {words}, no module "
                f"{name}.py); left as a TODO ({component.where})"
            )
        out.extend(
            f"  skipped {folder}/ for {name}: {why}" for folder, why in component.skipped[:3]
        )
        if len(component.skipped) > 3:
            out.append(f"  and {len(component.skipped) - 3} more folders named like {name}")
    shallow = [s for s in layout.skipped if s.path.count("/") <= 1 and s.why != HIDDEN]
    if shallow:
        out.append("skipped (not first-party packages):")
        out.extend(f"  {s.path + '/':<24} {s.why}" for s in shallow[:SHOWN])
        if len(shallow) > SHOWN:
            out.append(f"  and {len(shallow) - SHOWN} more")
    for entry in coverage(policy, paths):
        out.append(f"protected {entry.pattern}: {describe(entry)}")
    return "".join(escape(line) + "\n" for line in out)


def components(policy: Policy, layout: Layout) -> dict[str, Mapped]:
    """Every component word the architecture rules use, with the packages named like it."""
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
                    names = _names(name)
                    skipped = tuple(
                        (s.path, s.why)
                        for s in layout.skipped
                        if s.path.rpartition("/")[2].lower() in names
                    )
                    where = f"{rule.file}:{rule.line}"
                    found = _matching(name, names, layout)
                    mapped[name] = Mapped(word, where, found, skipped)
    return mapped


def _canonical(word: str) -> str:
    lowered = word.lower()
    return "db" if lowered in ("database", "databases") else lowered


def _names(name: str) -> set[str]:
    """The component's name, its synonyms, and their singular or plural."""
    other = name[:-1] if name.endswith("s") else name + "s"
    return {name, other, *SYNONYMS.get(name, ())}


def _matching(name: str, names: set[str], layout: Layout) -> tuple[Package, ...]:
    """The best packages named like the component: packages under an import root before
    those in a stray folder, packages before modules, the shortest import name.

    A module is a weaker sign than a package: it must carry the component's name itself,
    not a synonym or plural (`utils/exports/databases.py` is not "the DB"), and it is no
    match when a folder of that name was skipped higher up (`constants/themes.py` is not the
    non-Python `themes/`; a `migrations.py` is not the `migrations/` folder left out).
    """
    shadow = min(
        (s.path.count("/") for s in layout.skipped if s.path.rpartition("/")[2].lower() in names),
        default=None,
    )

    def fits(package: Package) -> bool:
        if package.kind != "module":
            return package.last.lower() in names
        deeper = shadow is not None and package.path.count("/") >= shadow
        return package.last.lower() == name and not deeper

    hits = [p for p in layout.packages if fits(p)]
    if not hits:
        return ()

    def rank(package: Package) -> tuple[bool, bool, int]:
        return (not package.rooted, package.kind == "module", package.name.count("."))

    best = min(rank(hit) for hit in hits)
    return tuple(hit for hit in hits if rank(hit) == best)


def _glob(package: Package) -> str:
    return package.path if package.kind == "module" else f"{package.path}/**"
