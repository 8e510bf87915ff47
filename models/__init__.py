"""Tables on one plain DeclarativeBase; importing this package registers every model."""
from models.base import Base  # noqa: F401
from models import auth, contracts, org, packages, residents  # noqa: F401
