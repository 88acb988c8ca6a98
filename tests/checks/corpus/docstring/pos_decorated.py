# corpus-binding: {"scope": ["public"]}
import functools


@functools.cache
def rates():  # expect: AG111:1
    return {}
