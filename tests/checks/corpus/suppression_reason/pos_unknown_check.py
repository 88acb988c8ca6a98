# corpus-checks: print-call
def main():
    # expect-below: AG109:22, AG102:5
    print("report")  # agent-guard: ignore[print-calls] CLI output
