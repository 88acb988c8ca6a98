# corpus-path: tests/api/test_users.py
def test_total(client):
    assert client.get("/total").status_code == 200


class TestOrders:
    def test_create(self, client, order_factory):
        assert order_factory()
