"""Asking the LLM to answer a customer, given what we know about their orders."""

from __future__ import annotations

import os
from collections.abc import Sequence

import httpx

LLM_URL = os.environ.get("LLM_URL", "http://localhost:8080/v1/chat/completions")
SYSTEM_PROMPT = "You answer questions about a customer's orders, briefly and politely."


async def answer(question: str, context: Sequence[str]) -> str:
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "system", "content": "\n".join(context) or "The customer has no orders."},
        {"role": "user", "content": question},
    ]
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(LLM_URL, json={"messages": messages})
        response.raise_for_status()
        reply: str = response.json()["choices"][0]["message"]["content"]
        return reply
