async def gather(job, results=[], /):  # expect: AG101
    results.append(job)
