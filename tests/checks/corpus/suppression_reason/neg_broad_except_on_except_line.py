# corpus-checks: broad-except
def main(job):
    try:
        job()
    except Exception:  # agent-guard: ignore[broad-except] the worker must never die
        return None
