# corpus-checks: print-call
def main():
    # expect-below: AG109:22
    print("report")  # agent-guard: ignore[AG102]
