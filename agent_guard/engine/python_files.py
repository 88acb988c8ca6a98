"""Which changed files are Python sources to walk: shared by the engine's stages.

A small module of its own because both the engine loop and the new-violations stage
(`engine.new_only`) ask it, and neither should import the other for it.
"""

from __future__ import annotations

from agent_guard.changes.model import ChangedFile, Status

PYTHON_SUFFIXES = (".py", ".pyi")


def is_python_source(file: ChangedFile) -> bool:
    """A new Python blob to parse — even one git calls binary (a NUL byte, or a `binary`
    attribute in .gitattributes): skipping those would let one attribute line hide code."""
    return file.path.endswith(PYTHON_SUFFIXES) and (file.has_content or is_python_binary(file))


def is_python_binary(file: ChangedFile) -> bool:
    """A Python file git diffed as binary: no hunks, so every line counts as changed."""
    return (
        file.binary
        and file.new_oid is not None
        and file.status is not Status.DELETED
        and not file.is_symlink
        and not file.is_submodule
        and file.path.endswith(PYTHON_SUFFIXES)
    )
