def register(key, registry=dict()):  # expect: AG101
    registry[key] = 1
