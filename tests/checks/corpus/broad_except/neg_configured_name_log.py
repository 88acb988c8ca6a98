def run(job, log):
    try:
        job()
    except Exception:
        log.exception("job failed")
