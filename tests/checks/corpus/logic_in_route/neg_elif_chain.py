from fastapi import FastAPI

app = FastAPI()


@app.get("/size")
def size(n: int) -> str:
    if n < 10:
        return "small"
    elif n < 100:
        return "medium"
    elif n < 1000:
        return "large"
    else:
        return "huge"
