from sqlalchemy.orm import Session


async def users(engine):
    with Session(engine) as session:
        return session.query(object).all()  # expect: AG104:16
