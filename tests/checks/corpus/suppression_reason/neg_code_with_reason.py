# corpus-checks: print-call
def main():
    print("report")  # agent-guard: ignore[AG102] CLI output
