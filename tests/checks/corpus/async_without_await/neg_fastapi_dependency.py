from typing import Annotated

from fastapi import Depends, Path


def get_session():
    yield None


async def get_group(slug: str = Path(...), session=Depends(get_session)) -> str:
    return slug


async def current_user(token: Annotated[str, Depends(get_group)]) -> str:
    return token
