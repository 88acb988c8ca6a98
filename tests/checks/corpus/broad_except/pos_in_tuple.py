# corpus-options: {"require_exc_info": true}
def run(job):
    try:
        job()
    except (ValueError, Exception) as error:  # expect: AG103:5
        return str(error)
