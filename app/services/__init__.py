"""Use cases. No Flask here: views, the WeChat bot and jobs call these with a session."""
