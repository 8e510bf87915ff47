"""Flask extensions, bound in create_app()."""
import http

import marshmallow as ma
from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_cls, resolve_schema_instance
from flask import g, request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_sqlalchemy import SQLAlchemy

from models import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error of this API is sent."""
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    code = ma.fields.String(metadata={"description": "stable machine-readable code, e.g. contract.already_open"})
    detail = ma.fields.String(metadata={"description": "中文 / English explanation"})
    instance = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "field -> messages (422)"})


class JsonSchemaExtras(BasePlugin):
    """Adds a schema's `Meta.json_schema` (e.g. the anyOf of a cross-field rule, which marshmallow fields cannot
    state) to its OpenAPI component, so that the document says what the schema's hook enforces."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        if schema is None:
            return None
        meta = getattr(resolve_schema_cls(schema), "Meta", None)
        extras = dict(getattr(meta, "json_schema", None) or {})
        unknown = resolve_schema_instance(schema).unknown
        if "additionalProperties" not in definition and unknown != ma.EXCLUDE:
            # apispec leaves it out when Meta has a description, though unknown fields are still refused
            extras["additionalProperties"] = unknown == ma.INCLUDE
        return extras


class ProblemApi(Api):
    """flask-smorest documenting errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema
    PROBLEM = "application/problem+json"

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        super()._init_spec(extra_plugins=[JsonSchemaExtras(), *(extra_plugins or ())], **kwargs)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = ProblemApi()


def actor_or_address() -> str:
    """Rate-limit key: the signed-in actor when known, else the client address."""
    actor = g.get("actor")
    return f"{actor.kind}:{actor.id}" if actor is not None else f"ip:{request.remote_addr}"


limiter = Limiter(key_func=actor_or_address, default_limits=[], headers_enabled=True)
