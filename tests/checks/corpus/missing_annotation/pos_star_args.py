def call(*args, **kwargs) -> None:  # expect: AG106
    return None
