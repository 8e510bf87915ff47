"""gunicorn settings, read from the working directory by `gunicorn wsgi:app` (make run and production alike).

The access log names the path only: query strings (`?phone=…`, the WeChat callback's signature, timestamp
and nonce) and referrers never reach a log line. docs/security.md: Nothing personal in logs.
"""
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
