from fastapi import FastAPI

app = FastAPI()


@app.get("/sum")
def total(values: list[int]) -> int:
    def add_all(xs: list[int]) -> int:
        result = 0
        for x in xs:
            result += x
        return result
    return add_all(values)
