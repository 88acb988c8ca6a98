# corpus-path: app/orders/service_test.py
def test_service():
    print("debugging a test")
