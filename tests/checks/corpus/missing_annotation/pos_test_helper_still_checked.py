# corpus-path: tests/helpers.py
def gen_order(db, name="order"):  # expect: AG106:1
    return db.add(name)


def test_gen_order(db):
    assert gen_order(db)
