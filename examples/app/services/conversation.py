"""One incoming WhatsApp message: answer it with the LLM, using the customer's orders."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.crud import orders as order_crud
from app.llm.client import answer
from app.whatsapp.client import send_text
from app.whatsapp.parser import parse_message

log = logging.getLogger(__name__)


async def handle_incoming(session: AsyncSession, payload: dict[str, Any]) -> None:
    message = parse_message(payload)
    if message is None:
        log.debug("ignoring a webhook without a text message")
        return
    orders = await order_crud.orders_of(session, message.sender)
    context = [f"order {order.id}: {order.total}" for order in orders]
    reply = await answer(message.text, context)
    await send_text(message.sender, reply)
