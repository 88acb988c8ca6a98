# corpus-binding: {"targets": ["unittest"]}
# corpus-path: tests/test_client.py
from unittest import mock


def test_client():
    with mock.patch("app.client.get") as get:
        get.return_value = 1
