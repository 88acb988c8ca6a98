def outer():
    def inner(x, memo={}):  # expect: AG101:23
        return memo.setdefault(x, x)
    return inner
