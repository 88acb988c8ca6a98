"""Sending replies through the WhatsApp Cloud API."""

from __future__ import annotations

import os

import httpx

API_URL = "https://graph.facebook.com/v19.0"


async def send_text(recipient: str, text: str) -> None:
    phone_id = os.environ["WHATSAPP_PHONE_ID"]
    token = os.environ["WHATSAPP_TOKEN"]
    body = {"messaging_product": "whatsapp", "to": recipient, "text": {"body": text}}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{API_URL}/{phone_id}/messages",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
