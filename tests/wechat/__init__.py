"""Tests of the WeChat bot: transport, parsing, dialogue, texts, menu and the API client."""
