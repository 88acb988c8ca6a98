def outer():
    def inner(x, memo={}):  # expect: AG101
        return memo.setdefault(x, x)
    return inner
