# corpus-path: app/ledger.py
def settle(invoice):
    return invoice
