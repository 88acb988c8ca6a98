from fastapi import APIRouter

router = APIRouter()


@router.post("/refresh")
async def refresh_token(user_id: int) -> dict[str, int]:
    return {"user": user_id}
