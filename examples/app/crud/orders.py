"""Reading and writing orders."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Order


async def create_order(session: AsyncSession, customer_phone: str, total: Decimal) -> Order:
    order = Order(customer_phone=customer_phone, total=total)
    session.add(order)
    await session.commit()
    await session.refresh(order)
    return order


async def get_order(session: AsyncSession, order_id: int) -> Order | None:
    return await session.get(Order, order_id)


async def orders_of(session: AsyncSession, customer_phone: str) -> Sequence[Order]:
    result = await session.scalars(select(Order).where(Order.customer_phone == customer_phone))
    return result.all()
