# corpus-checks: print-call
def main():
    print("report")  # agent-guard: ignore[print-call] CLI output is this tool's job
