def greeting(name: str) -> object:
    return t"Hello {name}"  # expect: AG108:12
