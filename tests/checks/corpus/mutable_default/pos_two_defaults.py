def merge(a={},  # expect: AG101
          b=[]):  # expect: AG101
    return a, b
