import contextlib


def cleanup(path):
    with contextlib.suppress(Exception):  # expect: AG103:10
        path.unlink()
