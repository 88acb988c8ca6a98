"""Run commands as subprocesses, interleaved, and keep wall time and peak memory per run.

Interleaving (A B C A B C ... rather than A A A B B B) spreads machine noise — another
process, a CPU frequency change — over every tool alike, so ratios stay fair on a busy
2-core machine. Each run is timed around fork/exec/wait, the cost a git hook really pays.
Peak memory comes from `os.wait4`, which reports that one child's rusage: ru_maxrss is
the largest resident set of the child or any of its waited-for descendants (KiB on Linux).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _table import Row


@dataclass
class Command:
    """One tool invocation: argv, working directory, environment additions, stdin bytes."""

    name: str
    argv: Sequence[str]
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    ok_codes: frozenset[int] = frozenset({0, 1})  # 1 = "found something", still a valid run
    prepare: Callable[[], None] | None = None  # runs before every run, untimed (clear a cache)
    # stderr text that makes a run invalid although its exit code is accepted (a hook that
    # rejected a push because it ran out of time did not check it: that is not a timing)
    invalid_if: tuple[str, ...] = ("time budget",)


@dataclass
class Sample:
    name: str
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.failure else None

    @property
    def peak(self) -> int | None:
        return max(self.rss_kib) if self.rss_kib else None

    def row(self, benchmark: str, note: str = "") -> Row:
        return Row(
            benchmark=benchmark,
            tool=self.name,
            median_s=self.median,
            runs=len(self.times),
            peak_rss_kib=self.peak,
            note=self.failure or note,
        )


def run_once(command: Command) -> tuple[float, int, int, str]:
    """Run once; return (seconds, peak RSS KiB, exit code, stderr tail)."""
    env = {**os.environ, **command.env}
    # Installed tools run from compiled bytecode (pip compiles it at install time; the peers
    # have it). With PYTHONDONTWRITEBYTECODE set, an editable agent-guard would recompile
    # every module on every run — a cost no user pays — so let the warm-up write the .pyc.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stderr:
        stdin.write(command.stdin)
        stdin.seek(0)
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command.argv),
            cwd=command.cwd,
            env=env,
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        tail = stderr.read()[-600:].decode("utf-8", "replace").strip()
    return elapsed, usage.ru_maxrss, process.returncode, tail


def interleaved(commands: Sequence[Command], runs: int, *, warmup: int = 1) -> list[Sample]:
    """Run every command `warmup + runs` times, interleaved; keep the last `runs`."""
    samples = [Sample(c.name) for c in commands]
    for index in range(warmup + runs):
        # Rotate the order so no tool always runs right after the same other one.
        order = list(range(len(commands)))
        shift = index % len(order)
        for position in order[shift:] + order[:shift]:
            command, sample = commands[position], samples[position]
            if sample.failure:
                continue
            if command.prepare is not None:
                command.prepare()
            try:
                elapsed, rss, code, tail = run_once(command)
            except OSError as error:
                sample.failure = f"cannot run: {error}"
                continue
            invalid = any(text in tail for text in command.invalid_if)
            if code not in command.ok_codes or invalid:
                sample.failure = f"exit {code}: {tail.splitlines()[-1] if tail else ''}"[:160]
                continue
            if index >= warmup:
                sample.times.append(elapsed)
                sample.rss_kib.append(rss)
    return samples


ROOT = Path(__file__).resolve().parent.parent
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"
FLOOR = Path(__file__).resolve().parent / "floor.py"


def python() -> str:
    """The project's interpreter (the one the hooks run with); the floor runs on it too."""
    return str(PROJECT_PYTHON) if PROJECT_PYTHON.exists() else sys.executable


def agent_guard(*args: str) -> list[str]:
    """argv for the installed `agent-guard` script (what a git hook runs), or `-m`."""
    script = PROJECT_PYTHON.parent / "agent-guard"
    if script.exists():
        return [str(script), *args]
    return [python(), "-m", "agent_guard", *args]


def floor(*args: str) -> list[str]:
    return [python(), str(FLOOR), *args]


def probe(*args: str, cwd: Path | None = None) -> str | None:
    """None when `agent-guard <args> --help` works; otherwise why it is not available."""
    done = subprocess.run(
        [*agent_guard(*args), "--help"],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    last = lines[-1] if lines else f"exit {done.returncode}"
    if "ModuleNotFoundError" in last or "No such command" in last:
        return f"not available yet ({last.split(': ', 1)[-1][:80]})"
    return f"not available ({last[:100]})"


def which(name: str) -> str | None:
    return shutil.which(name)


CACHE_HOME = Path(__file__).resolve().parent / ".work" / "cache-home"


def agent_guard_env() -> dict[str, str]:
    """Environment for agent-guard runs: its user-level cache kept inside benchmarks/.work."""
    return {"XDG_CACHE_HOME": str(CACHE_HOME)}


def cache_clearer(git_dir: Path, *, keep_policy: bool = True) -> Callable[[], None]:
    """A `prepare` step that empties agent-guard's per-blob caches: a cold run.

    agent-guard keeps its caches in `<git-dir>/agent-guard/` (and possibly under the user
    cache dir); everything there is removed except, by default, the compiled policy
    (`policy-*.pickle`): a push of new commits meets new blobs, not a new rule file.
    """

    def clear() -> None:
        for folder in (*git_dir.glob("agent-guard*"), *CACHE_HOME.glob("agent-guard*")):
            if not folder.is_dir():
                folder.unlink(missing_ok=True)
                continue
            for entry in folder.iterdir():
                if keep_policy and entry.name.startswith("policy-"):
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    return clear
