x = 1
y = compute(  # expect: AG108
z = 2
