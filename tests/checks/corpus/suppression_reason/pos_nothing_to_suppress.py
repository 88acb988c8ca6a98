# expect-below: AG109
VALUE = 1  # agent-guard: ignore[print-call]
