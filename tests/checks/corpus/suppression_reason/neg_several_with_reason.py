# corpus-checks: print-call, broad-except
def main(job):
    try:
        job()
    except Exception: print("failed")  # agent-guard: ignore[broad-except, print-call] legacy shim, removed in 2.0
