"""Order endpoints: parse the request, call a service, return its result."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from app.api.deps import SessionDep
from app.schemas import OrderCreate, OrderRead
from app.services import orders as order_service

router = APIRouter(prefix="/orders", tags=["orders"])


@router.post("", response_model=OrderRead, status_code=201)
async def create_order(payload: OrderCreate, session: SessionDep) -> OrderRead:
    return await order_service.place_order(session, payload)


@router.get("/{order_id}", response_model=OrderRead)
async def read_order(order_id: int, session: SessionDep) -> OrderRead:
    order = await order_service.find_order(session, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="order not found")
    return order
