def run(job):
    try:
        job()
    except Exception:  # expect: AG103:5
        def later():
            raise
        return later
