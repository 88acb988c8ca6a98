from app.slack import app


@app.options("pick_channel")
def channel_options(ack, body):
    for channel in body["channels"]:
        if channel["archived"]:
            if channel["shared"]:
                continue
    ack()
