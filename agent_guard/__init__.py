"""agent-guard: enforce an AI coding agent's rule file where it cannot be skipped."""

__version__ = "0.1.0"
