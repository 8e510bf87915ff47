"""The care helpers (a world, residents with contracts, visits) for the 基本公卫 tests."""
from tests.care.conftest import care  # noqa: F401
