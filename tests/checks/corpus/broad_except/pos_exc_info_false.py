# corpus-options: {"require_exc_info": true}
import logging


def run(job):
    try:
        job()
    except Exception:  # expect: AG103:5
        logging.error("failed", exc_info=False)
