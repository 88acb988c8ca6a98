"""agent-guard: enforce an AI coding agent's rule file where it cannot be skipped."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/agent-guard/agent-guard"  # also in pyproject [project.urls]
