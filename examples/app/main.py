"""The FastAPI application: mounts the routers, nothing else."""

from __future__ import annotations

from fastapi import FastAPI

from app.api.routes import orders, webhook

app = FastAPI(title="Order assistant")
app.include_router(orders.router)
app.include_router(webhook.router)
