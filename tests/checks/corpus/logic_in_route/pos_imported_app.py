from service.main import app


@app.delete("/items/{item_id}")
async def delete(item_id: int, db=None) -> None:  # expect: AG107:1
    db.delete(item_id)
