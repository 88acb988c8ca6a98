"""The WhatsApp webhook: hand the message to the conversation service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.api.deps import SessionDep
from app.services.conversation import handle_incoming

router = APIRouter(prefix="/whatsapp", tags=["whatsapp"])


@router.post("/webhook")
async def receive(payload: dict[str, Any], session: SessionDep) -> dict[str, str]:
    await handle_incoming(session, payload)
    return {"status": "accepted"}
