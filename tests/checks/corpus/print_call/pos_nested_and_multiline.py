def outer(values):
    def inner():
        print(  # expect: AG102
            "values:",
            values,
        )
    return inner
