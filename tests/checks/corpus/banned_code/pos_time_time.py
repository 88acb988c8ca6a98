# corpus-binding: {"targets": ["time.time()"]}
import time


def elapsed(start):
    return time.time() - start  # expect: AG110:12
