# corpus-binding: {"scope": ["public"]}
# corpus-path: app/__init__.py
def version():
    return "1"
