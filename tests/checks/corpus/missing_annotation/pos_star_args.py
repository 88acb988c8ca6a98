def call(*args, **kwargs) -> None:  # expect: AG106:1
    return None
