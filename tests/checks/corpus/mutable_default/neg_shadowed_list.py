def list():
    return (1, 2)


def first(values=list()):
    return values[0]
