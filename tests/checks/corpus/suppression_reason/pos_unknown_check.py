# corpus-checks: print-call
def main():
    # expect-below: AG109, AG102
    print("report")  # agent-guard: ignore[print-calls] CLI output
