"""Marshmallow schemas: XCreateSchema / XUpdateSchema in, XSchema out."""
