def register(key, registry=dict()):  # expect: AG101:28
    registry[key] = 1
