# corpus-binding: {"targets": ["time.time()"]}
import time


def elapsed(start):
    return time.monotonic() - start
