# corpus-binding: {"targets": ["session", "session.commit()"]}
def save(session, user):
    session.add(user)
    session.commit()
