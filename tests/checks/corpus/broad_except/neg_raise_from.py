class JobError(Exception):
    pass


def run(job):
    try:
        job()
    except Exception as error:
        raise JobError("job failed") from error
