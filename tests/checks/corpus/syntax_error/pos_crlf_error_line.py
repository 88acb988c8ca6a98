x = 1
y = 2
if y  # expect: AG108
    pass
