import contextlib


def cleanup(path):
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
