import pytest


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(api_cache_cleared):  # type: ignore[no-untyped-def]
    """Every API test starts with no request counted against its token."""
