from fastapi import APIRouter

router = APIRouter()


@router.post("/orders")
async def create(order: dict) -> dict:
    return await create_order(order)


async def create_order(order: dict) -> dict:
    for line in order["lines"]:
        if line:
            if line.get("x"):
                return {}
    return order
