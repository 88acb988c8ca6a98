import logging

logger = logging.getLogger(__name__)


def run(job):
    try:
        job()
    except Exception:
        logger.exception("job failed")
