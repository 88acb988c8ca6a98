import traceback


def run_all(jobs):
    for job in jobs:
        try:
            job()
        except Exception:
            traceback.print_exc()
