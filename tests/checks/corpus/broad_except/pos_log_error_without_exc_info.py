# corpus-options: {"require_exc_info": true}
import logging

logger = logging.getLogger(__name__)


def run(job):
    try:
        job()
    except Exception as error:  # expect: AG103:5
        logger.error("job failed: %s", error)
