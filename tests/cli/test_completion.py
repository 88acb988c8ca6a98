"""Shell completion, as documented: click's `_AGENT_GUARD_COMPLETE` through the real script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "agent-guard"


def complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT)], capture_output=True, text=True, env={**os.environ, **env}, check=False
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _agent_guard_completion agent-guard"),
        ("zsh", "compdef"),
        ("fish", "complete --no-files --command agent-guard"),
    ],
)
def test_the_completion_script_is_produced(shell: str, marker: str) -> None:
    done = complete({"_AGENT_GUARD_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("agent-guard di", "plain,diff"),
        ("agent-guard diff --sel", "plain,--select"),
        ("agent-guard hook pre-c", "plain,pre-commit"),
    ],
)
def test_bash_completes_commands_and_options(words: str, expected: str) -> None:
    done = complete(
        {
            "_AGENT_GUARD_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
    )
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout.splitlines()
