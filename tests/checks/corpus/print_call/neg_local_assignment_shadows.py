import logging


def run(job):
    print = logging.getLogger(__name__).info
    print("job %s", job)
