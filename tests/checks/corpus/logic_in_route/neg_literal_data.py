from fastapi import APIRouter

router = APIRouter()


@router.get("/meta")
def meta() -> dict[str, object]:
    """What the service is."""
    name = {"en": "Shop", "fr": "Boutique"}
    languages = ["en", "fr", "de"]
    currencies = ("EUR", "USD")
    limits = {"orders": 100, "items": 1000}
    links = {"docs": "/docs", "health": "/health"}
    contact = {"email": "team@example.com"}
    regions = ["eu", "us"]
    features = {"search": True, "export": False}
    versions = {"api": 2, "schema": 5}
    owners = ["team-a"]
    tags = {"public"}
    flags = {"beta": False}
    return {"name": name, "languages": languages}
