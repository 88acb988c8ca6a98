from fastapi import FastAPI

app = FastAPI()


@app.get("/twelve")
def twelve() -> list[int]:
    """Twelve statements: the docstring does not count."""
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    f = 6
    g = 7
    h = 8
    i = 9
    j = 10
    k = 11
    return [a, b, c, d, e, f, g, h, i, j, k]
