# corpus-binding: {"scope": ["public"]}
def settle(invoice):  # expect: AG111:1
    value = "not a docstring"
    """Too late to be a docstring."""
    return value
