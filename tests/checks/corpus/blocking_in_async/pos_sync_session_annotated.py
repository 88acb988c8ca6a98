from sqlalchemy import select
from sqlalchemy.orm import Session


async def users(session: Session):
    result = session.execute(select(1))  # expect: AG104
    session.commit()  # expect: AG104
    return result
