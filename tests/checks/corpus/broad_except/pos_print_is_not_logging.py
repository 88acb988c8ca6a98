def run(job):
    try:
        job()
    except Exception as error:  # expect: AG103:5
        print(error)
