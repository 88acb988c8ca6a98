# corpus-binding: {"scope": ["public"]}
class Ledger:  # expect: AG111:1
    pass
