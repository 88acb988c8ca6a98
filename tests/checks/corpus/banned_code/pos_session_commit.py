# corpus-binding: {"targets": ["session.commit()"], "include": ["app/repositories/**"]}
# corpus-path: app/repositories/users.py
def save(session, user):
    session.add(user)
    session.commit()  # expect: AG110:5
