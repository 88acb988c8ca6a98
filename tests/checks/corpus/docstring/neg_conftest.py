# corpus-binding: {"scope": ["public"]}
# corpus-path: app/api/conftest.py
def fixture():
    return 1
