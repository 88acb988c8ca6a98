# corpus-path: tests/test_totals.py
async def test_total():  # expect: AG105:1
    assert sum([1, 2]) == 3
