from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/items/{item_id}")
def read(item_id: int) -> dict:
    item = find(item_id)
    if item is None:
        raise HTTPException(404)
    return item


def find(item_id: int) -> dict | None:
    return None
