# corpus-binding: {"targets": ["session.commit()"], "include": ["app/repositories/**"]}
# corpus-path: app/services/users.py
def save(session, user):
    session.commit()
