def parse(raw):
    try:
        return int(raw)
    except TypeError, ValueError:
        return 0


def broken(  # expect: AG108:11
