# corpus-checks: missing-annotation
# expect-below: AG109:20
def legacy(a, b):  # agent-guard: ignore[missing-annotation]
    return a + b
