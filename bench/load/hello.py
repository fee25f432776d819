"""The ceiling for the load test: a bare Flask app that says hello, served on the same gunicorn settings
as the app (``gunicorn ... bench.load.hello:app``). Nothing the app does per request is here."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
