"""Webhook payloads into plain messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    sender: str
    text: str


def parse_message(payload: dict[str, Any]) -> IncomingMessage | None:
    """The first text message of a webhook call, or None (status updates have none)."""
    try:
        message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        return IncomingMessage(sender=str(message["from"]), text=str(message["text"]["body"]))
    except (KeyError, IndexError, TypeError):
        return None
