# corpus-binding: {"scope": ["public"]}
class _Private:
    def method(self):
        return 1
