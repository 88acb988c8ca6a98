from fastapi import APIRouter, Depends

router = APIRouter()


@router.post("/users")
async def create_user(name: str, session=Depends()) -> dict:  # expect: AG107:1
    session.add({"name": name})
    await session.commit()
    return {"name": name}
