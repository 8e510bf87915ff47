"""Flask extensions, bound in create_app()."""
from flask import g, request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from models import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
api = Api()


def actor_or_address() -> str:
    """Rate-limit key: the signed-in actor when known, else the client address."""
    actor = g.get("actor")
    return f"{actor.kind}:{actor.id}" if actor is not None else f"ip:{request.remote_addr}"


limiter = Limiter(key_func=actor_or_address, default_limits=[], headers_enabled=True)
