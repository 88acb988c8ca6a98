# corpus-binding: {"targets": ["assert"], "exclude": ["tests/**"]}
# corpus-path: tests/test_charge.py
def test_charge():
    assert 1 + 1 == 2
