from fastapi import APIRouter

router = APIRouter()


@router.post("/orders")
def create(order: dict) -> dict:  # expect: AG107:1
    if order.get("vip"):
        if order.get("total", 0) > 100:
            order["discount"] = 10
    return order
