x = 1
y = compute(  # expect: AG108:12
z = 2
