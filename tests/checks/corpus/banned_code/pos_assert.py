# corpus-binding: {"targets": ["assert"], "exclude": ["tests/**"]}
def charge(amount):
    assert amount > 0  # expect: AG110:5
    return amount
