"""Request and response bodies (changing this file needs an approver)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class OrderLine(BaseModel):
    product: str
    quantity: int = Field(gt=0)
    unit_price: Decimal = Field(gt=0)


class OrderCreate(BaseModel):
    customer_phone: str
    lines: list[OrderLine] = Field(min_length=1)


class OrderRead(BaseModel):
    id: int
    customer_phone: str
    total: Decimal
