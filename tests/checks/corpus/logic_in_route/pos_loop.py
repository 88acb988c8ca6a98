from fastapi import FastAPI

app = FastAPI()


@app.get("/totals")
async def totals(values: list[int]) -> int:  # expect: AG107:1
    total = 0
    for value in values:
        total += value
    return total
