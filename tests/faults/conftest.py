"""Fault injection runs on PostgreSQL only: it restarts the local server, so it needs TEST_DATABASE_URL
on 127.0.0.1/localhost and a way to restart it (JIAYI_PG_RESTART or pg_ctlcluster). Elsewhere these
tests are not collected (they are not skipped stand-ins: the SQLite run has no server to restart)."""
import os
import shutil
from pathlib import Path

URL = os.environ.get("TEST_DATABASE_URL", "")


def restart_command() -> list[str] | None:
    if os.environ.get("JIAYI_PG_RESTART"):
        return os.environ["JIAYI_PG_RESTART"].split()
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if shutil.which("pg_ctlcluster") and versions:
        return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "restart", "-m", "fast"]
    return None


LOCAL_PG = URL.startswith("postgresql") and ("127.0.0.1" in URL or "localhost" in URL)
collect_ignore_glob = [] if LOCAL_PG and restart_command() else ["test_*.py"]
