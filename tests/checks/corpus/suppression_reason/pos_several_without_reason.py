# corpus-checks: print-call, broad-except
def main(job):
    try:
        job()
    # expect-below: AG109:40
    except Exception: print("failed")  # agent-guard: ignore[broad-except,print-call]
