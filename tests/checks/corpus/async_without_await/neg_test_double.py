# corpus-path: tests/integration/test_recipes.py
async def return_empty_response(*args, **kwargs):
    return None


class FakeClient:
    async def get(self, url: str) -> dict[str, str]:
        return {}


def test_scrape(monkeypatch):
    async def fake_fetch(url):
        return "<html></html>"

    monkeypatch.setattr("app.scraper.fetch", fake_fetch)
