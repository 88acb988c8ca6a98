class Exception(ValueError):
    pass


def run(job):
    try:
        job()
    except Exception:
        return None
