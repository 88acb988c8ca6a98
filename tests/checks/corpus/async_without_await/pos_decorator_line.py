# corpus-options: {"exempt_handlers": false}
from fastapi import APIRouter

router = APIRouter()


@router.get("/health")
async def health():  # expect: AG105:1
    return {"ok": True}
