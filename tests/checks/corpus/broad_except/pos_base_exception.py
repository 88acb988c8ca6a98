def run(job):
    try:
        job()
    except BaseException:  # expect: AG103:5
        pass
