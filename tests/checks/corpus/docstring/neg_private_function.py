# corpus-binding: {"scope": ["public"]}
def _helper():
    return 1
