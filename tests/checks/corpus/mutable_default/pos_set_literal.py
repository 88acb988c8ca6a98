def seen(value, cache={1}):  # expect: AG101:23
    cache.add(value)
