x = 1
y = 'ÿ'  # expect: AG108:6
