report = lambda value: print(value)  # expect: AG102
