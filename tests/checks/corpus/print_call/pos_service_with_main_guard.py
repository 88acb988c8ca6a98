# corpus-path: app/api/routes/items.py
import uvicorn


def read_items():
    print("reading items")  # expect: AG102:5
    return []


if __name__ == "__main__":
    uvicorn.run("app.main:app")
