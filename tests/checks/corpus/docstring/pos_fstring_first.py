# corpus-binding: {"scope": ["public"]}
def settle(invoice):  # expect: AG111:1
    f"settle {invoice}"
    return invoice
