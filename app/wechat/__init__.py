"""WeChat official-account bot: transport, parsing, dialogue, copy, API client and menu."""
