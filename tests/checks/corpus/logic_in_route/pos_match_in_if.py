from fastapi import FastAPI

api = FastAPI()


@api.get("/kind")
def kind(value: str) -> str:  # expect: AG107:1
    if value:
        match value:
            case "a":
                return "A"
    return "?"
