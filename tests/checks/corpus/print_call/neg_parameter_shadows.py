def run(job, print):
    print(job)
