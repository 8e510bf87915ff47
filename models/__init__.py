"""Tables on one plain DeclarativeBase; importing this package registers every model."""
from models.base import Base  # noqa: F401
from models import (alerts, audit, auth, confirmations, contracts, followups, jobs, org, outbox, packages, readings,  # noqa: F401
                    referrals, residents, triage, wechat)
