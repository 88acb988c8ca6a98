# corpus-options: {"require_exc_info": true}
def run(job):
    try:
        job()
    except Exception as error:  # expect: AG103:5
        print(error)
