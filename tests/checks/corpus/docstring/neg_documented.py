# corpus-binding: {"scope": ["public"]}
def settle(invoice):
    """Settle the invoice."""
    return invoice
