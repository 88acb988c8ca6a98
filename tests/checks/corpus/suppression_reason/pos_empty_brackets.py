# expect-below: AG109:12
VALUE = 1  # agent-guard: ignore[]
