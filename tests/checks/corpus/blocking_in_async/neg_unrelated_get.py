async def lookup(cache, key):
    return cache.get(key)
