# corpus-checks: print-call
def main():
    print("report")  # agent-guard: ignore[broad-except] not this one  # expect: AG102:5
