def call(*args: object, **kwargs: object) -> None:
    return None
