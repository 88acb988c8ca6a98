"""Checks: one module per check, each with a "What it does / Why / Example / Fix" docstring."""
