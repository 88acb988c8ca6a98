# corpus-binding: {"scope": ["public"]}
class Ledger:
    r"""Raw docstring."""

    async def post(self):
        """Post it."""
