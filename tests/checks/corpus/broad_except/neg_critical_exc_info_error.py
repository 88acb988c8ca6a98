import logging

log = logging.getLogger("jobs")


def run(job):
    try:
        job()
    except BaseException as error:
        log.critical("job failed", exc_info=error)
