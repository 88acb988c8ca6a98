from logging import exception


def run(job):
    try:
        job()
    except Exception:
        exception("job failed")
