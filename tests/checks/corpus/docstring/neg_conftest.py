# corpus-binding: {"scope": ["public"]}
# corpus-path: app/conftest.py
def fixture():
    return 1
