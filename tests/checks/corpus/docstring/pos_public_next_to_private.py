# corpus-binding: {"scope": ["public"]}
def _private():
    return 1


def public():  # expect: AG111:1
    return _private()
