def connect(host: str, *, timeout) -> None:  # expect: AG106
    return None
