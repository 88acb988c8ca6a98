import functools

cache = {}


@functools.lru_cache
def get(key: str) -> str:
    for ch in key:
        cache[ch] = key
    return key
