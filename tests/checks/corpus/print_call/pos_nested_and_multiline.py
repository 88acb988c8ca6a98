def outer(values):
    def inner():
        print(  # expect: AG102:9
            "values:",
            values,
        )
    return inner
