def seen(value, cache={1}):  # expect: AG101
    cache.add(value)
