def report(value):
    print(value)


def print(*args):
    return args
