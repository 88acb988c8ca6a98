from contextlib import suppress as ignoring


def cleanup(path):
    with ignoring(OSError, BaseException):  # expect: AG103:10
        path.unlink()
