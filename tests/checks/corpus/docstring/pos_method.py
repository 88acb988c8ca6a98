# corpus-binding: {"scope": ["public"]}
class Ledger:
    """Posts payments."""

    def post(self, payment):  # expect: AG111:5
        return payment
