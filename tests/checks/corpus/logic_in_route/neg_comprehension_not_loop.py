from fastapi import FastAPI

app = FastAPI()


@app.get("/names")
def names(users: list[dict]) -> list[str]:
    return [user["name"] for user in users]
