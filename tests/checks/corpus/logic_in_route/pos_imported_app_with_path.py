from app.web import app


@app.get("/channels")
def channels(store):  # expect: AG107:1
    for channel in store.all():
        channel.refresh()
    return store.all()
