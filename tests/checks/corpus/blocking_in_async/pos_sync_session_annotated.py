from sqlalchemy import select
from sqlalchemy.orm import Session


async def users(session: Session):
    result = session.execute(select(1))  # expect: AG104:14
    session.commit()  # expect: AG104:5
    return result
