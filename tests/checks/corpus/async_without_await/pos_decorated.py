import functools


@functools.lru_cache
async def cached(key):  # expect: AG105:1
    return key
