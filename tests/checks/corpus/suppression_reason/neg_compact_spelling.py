# corpus-checks: print-call
def main():
    print("x")  #agent-guard:ignore[print-call]  because the CLI prints
