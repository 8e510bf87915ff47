"""Hand-written fakes of external systems for tests (the WeChat API server)."""
