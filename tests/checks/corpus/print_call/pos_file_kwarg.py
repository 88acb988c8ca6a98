import sys


def warn(message):
    print(message, file=sys.stderr)  # expect: AG102:5
