# corpus-checks: missing-annotation
# expect-below: AG109
def legacy(a, b):  # agent-guard: ignore[missing-annotation]
    return a + b
