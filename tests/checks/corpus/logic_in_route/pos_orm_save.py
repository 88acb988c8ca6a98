from flask import Flask

app = Flask(__name__)


@app.route("/users", methods=["POST"])
def create_user():  # expect: AG107:1
    user = User()
    user.save()
    return "ok"


class User:
    def save(self):
        return None
