# corpus-options: {"require_exc_info": true}
class JobError(Exception):
    pass


def run(job):
    try:
        job()
    except Exception:  # expect: AG103:5
        raise JobError("failed")
