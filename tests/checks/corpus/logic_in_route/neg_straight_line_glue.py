from fastapi import FastAPI

app = FastAPI()


@app.put("/profile")
def update(data: dict) -> dict:
    # Thirteen lines of reading the request and building the response: glue, not logic.
    a = data.get("a")
    b = data.get("b")
    c = data.get("c")
    d = data.get("d")
    e = data.get("e")
    f = data.get("f")
    g = data.get("g")
    h = data.get("h")
    i = data.get("i")
    j = data.get("j")
    k = data.get("k")
    m = data.get("m")
    return {"values": [a, b, c, d, e, f, g, h, i, j, k, m]}
