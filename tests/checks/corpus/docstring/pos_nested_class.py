# corpus-binding: {"scope": ["public"]}
class Outer:
    """Holds things."""

    class Inner:  # expect: AG111:5
        pass
