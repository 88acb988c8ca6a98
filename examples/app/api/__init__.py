"""HTTP layer: routers only; every decision lives in app.services."""
