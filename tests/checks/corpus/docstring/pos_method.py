# corpus-binding: {"scope": ["public"]}
class Ledger:
    """Posts payments."""

    def post(self, payment):  # expect: AG111
        return payment
