# corpus-path: tests/api/test_orders.py
def test_order():
    print("debugging a test")
