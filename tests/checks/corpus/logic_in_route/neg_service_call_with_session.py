from fastapi import APIRouter, Depends

router = APIRouter()


@router.post("/users")
async def create_user(name: str, session=Depends()) -> dict:
    return await users_service.create(session, name)


class users_service:
    @staticmethod
    async def create(session, name):
        session.add(name)
        await session.commit()
