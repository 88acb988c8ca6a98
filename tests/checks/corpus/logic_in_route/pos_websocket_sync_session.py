from fastapi import FastAPI
from sqlalchemy.orm import Session

application = FastAPI()


@application.websocket("/ws")
async def ws(socket, store: Session) -> None:  # expect: AG107:1
    store.execute("select 1")
