def make_config():
    return {"debug": False}


def run(config=make_config()):
    return config
