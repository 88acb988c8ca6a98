"""The peer tools agent-guard is compared against, installed into their own venv.

The peers (ruff, detect-secrets, import-linter, flake8 + plugins, pre-commit) are never
installed into the project's venv: a benchmark must not change what it measures, and the
project must not depend on its competitors. They live in ONE venv at
`benchmarks/.work/peers` (gitignored, removed by `make clean`).

API for the other benchmark scripts:

    from benchmarks import peers          # or `import peers` when run as a script
    peers.ensure()                        # create/refresh the venv; fast no-op on re-run
    ruff = peers.bin("ruff")              # Path to the peer's executable
    peers.available("flake8")             # False when an optional peer failed to install

`ensure()` installs with the ordinary `pip` client (the machine's configured index) and
writes a stamp file holding the requirement list; a re-run with the same list does
nothing (a few milliseconds). Required peers failing to install raise `PeerError`;
optional ones (flake8 plugins) are skipped with a message on stderr.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
WORK = BENCHMARKS / ".work"
VENV = WORK / "peers"
STAMP = VENV / ".installed"

# Required: the tools the issue compares against. Optional: nice-to-have flake8 plugins.
REQUIRED: tuple[str, ...] = ("ruff", "detect-secrets", "import-linter", "pre-commit")
OPTIONAL: tuple[str, ...] = ("flake8", "flake8-bugbear", "flake8-print")


class PeerError(RuntimeError):
    """A required peer tool could not be installed."""


def _stamp_text() -> str:
    spec = "\n".join((*REQUIRED, "--optional--", *OPTIONAL, sys.version))
    return hashlib.sha256(spec.encode()).hexdigest() + "\n"


def _python() -> Path:
    return VENV / "bin" / "python"


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def ensure(*, quiet: bool = False) -> Path:
    """Create or refresh the peers venv; return its path. Idempotent and fast when current."""
    if STAMP.is_file() and STAMP.read_text() == _stamp_text() and _python().exists():
        return VENV
    WORK.mkdir(parents=True, exist_ok=True)
    if not _python().exists():
        if not quiet:
            print(f"peers: creating {VENV}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not quiet:
        print(f"peers: installing {', '.join(REQUIRED + OPTIONAL)}", file=sys.stderr)
    done = _pip(*REQUIRED)
    if done.returncode != 0:
        raise PeerError(f"pip install {' '.join(REQUIRED)} failed:\n{done.stderr.strip()}")
    for name in OPTIONAL:
        done = _pip(name)
        if done.returncode != 0:
            print(f"peers: optional {name} not installed: {done.stderr.strip()}", file=sys.stderr)
    STAMP.write_text(_stamp_text())
    return VENV


def bin(name: str) -> Path:
    """The path of a peer's executable in the peers venv (call `ensure()` first)."""
    return VENV / "bin" / name


def available(name: str) -> bool:
    """True when the peer's executable exists in the peers venv."""
    return os.access(bin(name), os.X_OK)


def python() -> Path:
    """The peers venv's interpreter (to run a peer as `python -m ...`)."""
    return _python()


if __name__ == "__main__":
    ensure()
    for tool in ("ruff", "detect-secrets-hook", "lint-imports", "flake8", "pre-commit"):
        print(f"{tool:22} {'ok' if available(tool) else 'missing'}  {bin(tool)}")
