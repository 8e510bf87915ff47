"""gunicorn settings, read from the working directory by `gunicorn wsgi:app` (make run and production alike).

The access log names the path only: query strings (`?phone=…`, the WeChat callback's signature, timestamp
and nonce) and referrers never reach a log line. gunicorn's own access and error logs also pass through the
application's redacting filter (app/logs.py), so an ID-card or phone number typed into a path is masked.
docs/security.md: Nothing personal in logs.
"""
from gunicorn.glogging import Logger

from app.logs import RedactingFilter

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


class RedactingLogger(Logger):
    """gunicorn's logger with the redacting filter on every handler of its access and error logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                handler.addFilter(RedactingFilter())


logger_class = RedactingLogger
