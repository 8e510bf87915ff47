"""Tables on one plain DeclarativeBase; importing this package registers every model."""
from models.base import Base  # noqa: F401
from models import (alerts, audit, auth, confirmations, contracts, followups, jobs, ledger, org,  # noqa: F401
                    outbox, packages, readings, referrals, residents, triage, wechat)
