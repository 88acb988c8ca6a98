from flask import Blueprint

bp = Blueprint("items", __name__)


@bp.get("/items")
def items():  # expect: AG107:1
    result = []
    while len(result) < 3:
        result.append(len(result))
    return result
