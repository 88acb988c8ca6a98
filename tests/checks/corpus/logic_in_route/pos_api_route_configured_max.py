# corpus-options: {"max_statements": 2}
from fastapi import APIRouter

router = APIRouter()


@router.api_route("/x", methods=["GET"])
def x() -> int:  # expect: AG107:1
    a = 1
    b = 2
    return a + b
