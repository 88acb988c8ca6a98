# corpus-binding: {"scope": ["public"], "include": ["app/api/**"]}
# corpus-path: app/internal/ledger.py
def settle(invoice):
    return invoice
