# corpus-binding: {"scope": ["public"]}
class Api:
    """The API."""

    @property
    def name(self):  # expect: AG111:5
        return "api"
