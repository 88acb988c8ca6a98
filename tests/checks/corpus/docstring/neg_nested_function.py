# corpus-binding: {"scope": ["public"]}
def outer():
    """Outer."""

    def inner():
        return 1

    return inner
