# corpus-binding: {"scope": ["public"]}
class Ledger:
    """Posts payments."""

    def __init__(self):
        self.items = []

    def __repr__(self):
        return "Ledger()"
