def f():
    x = 1
      y = 2  # expect: AG108:6
