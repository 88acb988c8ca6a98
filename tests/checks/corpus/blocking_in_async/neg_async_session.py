from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession


async def users(session: AsyncSession):
    result = await session.execute(select(1))
    await session.commit()
    return result
