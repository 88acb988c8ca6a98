import logging


def run(job):
    try:
        job()
    except Exception:
        logging.error("job failed", exc_info=True)
