import logging

log = logging.getLogger(__name__)


def run(job):
    try:
        job()
    except Exception:  # expect: AG103:5
        def report() -> None:
            log.error("job failed")

        return report
