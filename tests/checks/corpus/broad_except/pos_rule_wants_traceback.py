# corpus-options: {"require_exc_info": true}
import logging

log = logging.getLogger(__name__)


def run(job):
    try:
        job()
    except Exception as error:  # expect: AG103:5
        log.warning("job failed: %s", error)
