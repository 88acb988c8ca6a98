def merge(a={},  # expect: AG101:13
          b=[]):  # expect: AG101:13
    return a, b
