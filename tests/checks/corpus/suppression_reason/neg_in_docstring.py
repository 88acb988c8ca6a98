"""How to suppress: write `print(x)  # agent-guard: ignore[print-call]` and a reason."""

HELP = "# agent-guard: ignore[no-such-check]"
