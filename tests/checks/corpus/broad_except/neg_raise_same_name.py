def run(job):
    try:
        job()
    except Exception as error:
        raise error
