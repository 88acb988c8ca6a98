"""The server hook never runs what it inspects, and never prints what a pusher chose raw.

- A pushed repository full of files Python would import or execute if given the chance
  (`conftest.py`, `setup.py`, `sitecustomize.py`, a `.pth`, modules shadowing agent-guard's
  own dependencies, a YAML config with a python tag) leaves no marker behind.
- agent_guard's source has no eval/exec/compile/__import__, no `shell=True`, no os.system,
  no unsafe YAML loader, and imports modules by name only from its own package.
- File names, ref names and commit messages are printed with control characters escaped.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RELAXED_BUDGET, ROOT, GitRepo
from tests.hardening.support import run_cli, with_policy, write_script

PACKAGE = ROOT / "agent_guard"


def _hostile_files(marker: Path) -> dict[str, str]:
    """Every file here writes `marker` (with its own name) if anything imports or runs it."""

    def payload(name: str) -> str:
        return f"open({str(marker)!r} + '-' + {name!r}, 'w').write('ran')\n"

    return {
        "conftest.py": payload("conftest"),
        "setup.py": payload("setup"),
        "sitecustomize.py": payload("sitecustomize"),
        "usercustomize.py": payload("usercustomize"),
        "evil.pth": "import os; " + payload("pth").rstrip("\n"),
        "__main__.py": payload("main"),
        "click.py": payload("click"),
        "yaml.py": payload("yaml"),
        "pathspec.py": payload("pathspec"),
        "lxml/__init__.py": payload("lxml"),
        "agent_guard/__init__.py": payload("agent_guard"),
        "agent_guard/__main__.py": payload("agent_guard_main"),
        "app/__init__.py": payload("app"),
        "app/service.py": payload("service") + "print('and a finding')\n",
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\n'
        'backend-path = ["."]\n[tool.agent-guard]\nrules = [".cursor/rules/*.mdc"]\n',
        "backend.py": payload("backend"),
    }


def _markers(marker: Path) -> list[str]:
    return sorted(path.name for path in marker.parent.glob(marker.name + "*"))


def _install_pre_receive(server: GitRepo, *, safe_path: bool) -> None:
    flag = " -P" if safe_path else ""
    write_script(
        server.path / "hooks" / "pre-receive",
        f"#!/bin/sh\nexec {sys.executable}{flag} -m agent_guard hook pre-receive "
        f'{" ".join(RELAXED_BUDGET)} "$@"\n',
    )


def _push(
    repo: GitRepo, server: GitRepo, *refspecs: str, approver: bool = False
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GL_USERNAME": "lead@example.com"} if approver else None
    return subprocess.run(
        ["git", "push", str(server.path), *refspecs],
        cwd=repo.path,
        capture_output=True,
        check=False,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("safe_path", [False, True], ids=["python -m", "python -P -m"])
def test_pushing_a_hostile_repository_runs_none_of_it(
    repo: GitRepo, make_repo: Callable[..., GitRepo], tmp_path: Path, safe_path: bool
) -> None:
    marker = tmp_path / "MARKER"
    server = make_repo("server.git", bare=True)
    _install_pre_receive(server, safe_path=safe_path)
    with_policy(repo)
    # First push into an empty repository: judged by its own (pushed) policy.
    for name, text in _hostile_files(marker).items():
        repo.write(name, text)
    repo.write(".agent-guard.yaml", "rules: !!python/object/apply:os.system ['touch MARKER']\n")
    repo.commit("hostile")
    first = _push(repo, server, "main")
    assert first.returncode != 0  # the python tag is refused: no policy, no push
    assert b"agent-guard" in first.stderr
    # An update judged by a trusted tip: accept a clean base first, then push the files.
    clean = make_repo("clean")
    with_policy(clean)
    assert _push(clean, server, "main", approver=True).returncode == 0
    for name, text in _hostile_files(marker).items():
        clean.write(name, text)
    clean.commit("hostile update")
    second = _push(clean, server, "main")
    output = second.stderr.decode("utf-8", "replace")
    assert second.returncode != 0, output  # blocked by print-call, judged without running it
    assert "print-call" in output, output
    assert _markers(marker) == []


def test_local_hooks_do_not_import_from_the_repository(repo: GitRepo, tmp_path: Path) -> None:
    """`agent-guard install`'s hooks run `python -P`: a committed click.py is not imported."""
    marker = tmp_path / "MARKER"
    with_policy(repo)
    install = run_cli(["install", "-t", "pre-commit", "-t", "commit-msg"], repo.path)
    assert install.returncode == 0, install.stderr.decode()
    for name, text in _hostile_files(marker).items():
        repo.write(name, text)
    repo.add()
    result = subprocess.run(
        ["git", "commit", "-q", "-m", "hostile"], cwd=repo.path, capture_output=True, check=False
    )
    assert result.returncode == 1, result.stderr.decode()  # print-call blocks the commit
    assert b"print-call" in result.stdout + result.stderr
    console = Path(sys.executable).parent / "agent-guard"
    if console.exists():
        subprocess.run([str(console), "diff"], cwd=repo.path, capture_output=True, check=False)
    assert _markers(marker) == []


# -- structural: nothing in agent_guard can evaluate text or reach a shell -------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input", "breakpoint"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnl"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("yaml", "load_all"),
    ("marshal", "loads"),
    ("pickle", "loads"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
}
# pickle.load reads agent-guard's own caches in <git-dir>/agent-guard/, which a push cannot
# write: the compiled policy, and the per-blob packs (every entry behind its CRC).
ALLOWED_PICKLE_LOAD = {"agent_guard/policy/load.py", "agent_guard/engine/results.py"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _violations(path: Path, root: Path = ROOT) -> list[str]:
    relative = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{relative}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            found.append(f"{where}: {func.id}()")
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            pair = (func.value.id, func.attr)
            if pair in FORBIDDEN_ATTRIBUTES:
                found.append(f"{where}: {pair[0]}.{pair[1]}()")
            if pair == ("pickle", "load") and relative not in ALLOWED_PICKLE_LOAD:
                found.append(f"{where}: pickle.load() outside the policy cache")
            if pair == ("importlib", "import_module") and not _own_module(node, relative):
                found.append(f"{where}: import_module() of a name not under agent_guard.")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{where}: shell={ast.unparse(keyword.value)}")
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "subprocess"
            and func.attr in {"run", "Popen", "call", "check_call", "check_output"}
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            found.append(f"{where}: subprocess with a command string")
    return found


# Names computed from the check registry (every `CheckInfo.module` is agent_guard.checks.*,
# see test_registry_modules_are_agent_guard_modules) or from a fixed prefix.
ALLOWED_DYNAMIC_IMPORTS = {
    ("agent_guard/checks/base.py", "info.module"),
    ("agent_guard/checks/options.py", "module_name"),
    ("agent_guard/checks/python/dispatch.py", "info.module"),
    ("agent_guard/checks/registry.py", "info.module"),
    ("agent_guard/policy/config.py", "info.module"),
}


def _own_module(node: ast.Call, relative: str) -> bool:
    """`import_module("agent_guard...")` or f"agent_guard.{...}" (a fixed package prefix)."""
    if not node.args:
        return False
    name = node.args[0]
    if (relative, ast.unparse(name)) in ALLOWED_DYNAMIC_IMPORTS:
        return True
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        return name.value.startswith("agent_guard.")
    if isinstance(name, ast.JoinedStr) and name.values:
        first = name.values[0]
        return isinstance(first, ast.Constant) and str(first.value).startswith("agent_guard.")
    if isinstance(name, ast.BinOp) and isinstance(name.left, ast.Constant):
        return str(name.left.value).startswith("agent_guard.")
    return False


def test_registry_modules_are_agent_guard_modules() -> None:
    from agent_guard.checks.registry import CHECKS

    assert all(info.module.startswith("agent_guard.checks.") for info in CHECKS)


def test_agent_guard_has_no_eval_exec_or_shell() -> None:
    violations = [v for path in _modules() for v in _violations(path)]
    assert violations == []


def test_the_structural_scan_is_not_blind(tmp_path: Path) -> None:
    bad = tmp_path / "agent_guard" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "import os, subprocess, yaml, importlib\n"
        "eval('1')\nsubprocess.run('ls', shell=True)\nos.system('x')\nyaml.load('a')\n"
        "importlib.import_module(user_text)\nsubprocess.run(f'git {x}')\n"
    )
    found = _violations(bad, tmp_path)
    assert len(found) == 7, found


def test_the_engine_names_no_check_and_imports_none_by_a_computed_name() -> None:
    """The engine is a loop over units: check modules come from the registry rows
    (`checks.base.check_of`), and no slug appears in its source."""
    from agent_guard.checks.registry import CHECKS

    slugs = {info.slug for info in CHECKS}
    modules = {info.module for info in CHECKS}
    for path in sorted((PACKAGE / "engine").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in slugs, (path.name, node.value)
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module not in modules, (path.name, node.module)
                named = {f"{node.module}.{alias.name}" for alias in node.names}
                assert not named & modules, (path.name, named & modules)
            if isinstance(node, ast.Attribute):
                assert node.attr != "import_module", path.name


# -- untrusted names and messages are printed escaped ----------------------------------------

NASTY_FILE = "app/\x1b[31mred\x1b[0m\rfake.py"
NASTY_REF = "refs/heads/feature\u2028injected\u0085line\u009b31m\u202eright"
NASTY_TRAILER = "Escalation-Approved-By: \x1b]0;pwned\x07Lead\r <lead@example.com>"


def _server_with_nasty_push(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> tuple[GitRepo, bytes]:
    with_policy(repo)
    repo.write("app/models.py", "class User:\n    name: str\n")
    repo.commit("models")
    server = make_repo("server.git", bare=True)
    repo.git("push", "-q", str(server.path), "main")
    old = repo.git("rev-parse", "HEAD").strip()
    repo.write(NASTY_FILE, "print('x')\n")
    repo.write("app/models.py", "class User:\n    name: str\n    email: str\n")
    new = repo.commit(f"Change \x1b[2Jthe models\r\n\n{NASTY_TRAILER}\n")
    repo.git("push", "-q", str(server.path), f"{new}:refs/pending/x")
    server.git("update-ref", "-d", "refs/pending/x")
    return server, f"{old} {new} {NASTY_REF}\n".encode()


def _assert_neutralised(output: str) -> None:
    for char in ("\x1b", "\r", "\x07", "\u2028", "\u0085", "\u009b", "\u202e"):
        assert char not in output, (char, output)


def test_pre_receive_output_has_no_raw_control_characters(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    server, stdin = _server_with_nasty_push(repo, make_repo)
    result = run_cli(["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=stdin)
    output = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, output
    assert "print-call" in output and "protected-file" in output, output
    assert "\\x1b[31mred\\x1b[0m\\rfake.py" in output  # shown, escaped
    assert "\\u2028" in output or "\\x85" in output  # the ref name, escaped
    _assert_neutralised(output)


def test_push_options_are_printed_escaped(repo: GitRepo, make_repo: Callable[..., GitRepo]) -> None:
    server, stdin = _server_with_nasty_push(repo, make_repo)
    env = {"GIT_PUSH_OPTION_COUNT": "1", "GIT_PUSH_OPTION_0": "agent-guard.skip=\x1b[2J\u202e"}
    result = run_cli(["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=stdin, env=env)
    output = result.stdout.decode("utf-8", "replace")
    assert "push option `agent-guard.skip=\\x1b[2J\\u202e` ignored" in output, output
    _assert_neutralised(output)


def test_a_real_push_of_a_nasty_name_is_reported_escaped(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    with_policy(repo)
    server = make_repo("server.git", bare=True)
    _install_pre_receive(server, safe_path=True)
    assert _push(repo, server, "main", approver=True).returncode == 0
    repo.write(NASTY_FILE, "print('x')\n")
    repo.commit("nasty \x1b[31mname\x1b[0m")
    result = _push(repo, server, "HEAD:refs/heads/feature-\u00e9\u2028x")
    output = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0 and "print-call" in output, output
    hook_lines = "\n".join(line for line in output.split("\n") if line.startswith("remote:"))
    _assert_neutralised(hook_lines)  # git's own lines ("! [remote rejected] ...") are git's
    assert "\\x1b[31mred" in output


def test_diff_output_escapes_names_and_messages(repo: GitRepo) -> None:
    with_policy(repo)
    repo.write(NASTY_FILE, "print('x')\n")
    repo.add()
    result = run_cli(["diff"], repo.path)
    output = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 1
    _assert_neutralised(output)
    assert os.fsencode(NASTY_FILE) not in result.stdout
