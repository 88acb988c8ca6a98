# corpus-checks: print-call
# corpus-severity: escalate
def main():
    print("report")  # agent-guard: ignore[print-call] we really need it  # expect: AG102:5
