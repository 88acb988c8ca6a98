def run(job):
    try:
        job()
    except Exception:  # expect: AG103
        def later():
            raise
        return later
