def run(job, reporter):
    try:
        job()
    except Exception:  # expect: AG103
        reporter.exception("failed")
