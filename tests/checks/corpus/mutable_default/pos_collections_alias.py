from collections import deque as dq


def window(value, recent=dq(maxlen=3)):  # expect: AG101:26
    recent.append(value)
    return list(recent)
