x = 1
y = 2
if y  # expect: AG108:7
    pass
