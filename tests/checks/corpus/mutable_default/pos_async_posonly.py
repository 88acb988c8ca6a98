async def gather(job, results=[], /):  # expect: AG101:31
    results.append(job)
