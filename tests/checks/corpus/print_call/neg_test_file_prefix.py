# corpus-path: app/orders/test_service.py
def test_service():
    print("debugging a test")
