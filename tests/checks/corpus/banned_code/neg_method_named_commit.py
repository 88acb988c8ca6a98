# corpus-binding: {"targets": ["session.commit()"]}
def save(db, user):
    db.add(user)
    db.commit()
