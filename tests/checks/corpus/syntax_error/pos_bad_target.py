def f():
    pass
f() = 1  # expect: AG108:1
