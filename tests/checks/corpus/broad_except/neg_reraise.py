def run(job):
    try:
        job()
    except Exception:
        cleanup()
        raise


def cleanup():
    return None
