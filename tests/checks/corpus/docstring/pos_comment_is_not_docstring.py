# corpus-binding: {"style": ["google"]}
def settle(invoice):  # expect: AG111:1
    # settles the invoice
    return invoice
