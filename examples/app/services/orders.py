"""Placing and finding orders."""

from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.crud import orders as order_crud
from app.schemas import OrderCreate, OrderRead

log = logging.getLogger(__name__)


def order_total(payload: OrderCreate) -> Decimal:
    """The price of every line, summed (prices are per unit)."""
    return sum((line.unit_price * line.quantity for line in payload.lines), Decimal("0"))


async def place_order(session: AsyncSession, payload: OrderCreate) -> OrderRead:
    total = order_total(payload)
    order = await order_crud.create_order(session, payload.customer_phone, total)
    log.info("order %s placed for %s", order.id, payload.customer_phone)
    return OrderRead(id=order.id, customer_phone=order.customer_phone, total=order.total)


async def find_order(session: AsyncSession, order_id: int) -> OrderRead | None:
    order = await order_crud.get_order(session, order_id)
    if order is None:
        return None
    return OrderRead(id=order.id, customer_phone=order.customer_phone, total=order.total)
