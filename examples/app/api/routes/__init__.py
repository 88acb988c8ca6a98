"""Routers mounted by app.main."""
