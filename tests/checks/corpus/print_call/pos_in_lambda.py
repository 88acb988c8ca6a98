report = lambda value: print(value)  # expect: AG102:24
