def connect(host: str, *, timeout) -> None:  # expect: AG106:1
    return None
