# corpus-binding: {"scope": ["public"]}
# corpus-path: tests/test_ledger.py
def test_ledger():
    assert True
