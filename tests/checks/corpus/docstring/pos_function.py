# corpus-binding: {"scope": ["public"]}
def settle(invoice):  # expect: AG111:1
    return invoice
