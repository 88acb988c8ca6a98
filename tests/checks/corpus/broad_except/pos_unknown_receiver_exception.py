def run(job, reporter):
    try:
        job()
    except Exception:  # expect: AG103:5
        reporter.exception("failed")
