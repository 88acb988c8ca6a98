# corpus-checks: print-call
def main():
    print("x")  # agent-guard: ignore[print-call] — debugging output of the CLI
