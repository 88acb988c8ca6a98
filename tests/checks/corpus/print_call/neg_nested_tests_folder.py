# corpus-path: backend/tests/api/test_users.py
def test_users():
    print("debugging a test")
