# corpus-options: {"max_statements": 2}
from fastapi import APIRouter

from app import jobs

router = APIRouter()


@router.api_route("/x", methods=["GET"])
def x() -> int:  # expect: AG107:1
    jobs.start()
    jobs.wait()
    jobs.stop()
    return 0
