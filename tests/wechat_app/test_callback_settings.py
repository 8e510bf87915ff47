"""The callback's settings are built once (views.callback_settings) and built again when app.config changes."""
from __future__ import annotations

from app.wechat import views


def test_callback_settings_follow_changes_of_app_config(app, wx_settings):
    first = views.callback_settings(app)
    assert views.callback_settings(app) is first  # built once
    assert first.transport.encoding_aes_key == wx_settings["WECHAT_ENCODING_AES_KEY"] and first.deadline == 4.0
    wx_settings["WECHAT_REPLY_DEADLINE"] = "2.5"  # changed in place, as tests and overrides do
    wx_settings["WECHAT_ENCODING_AES_KEY"] = ""
    wx_settings["PRIVACY_NOTICE_VERSION"] = "2027-01"
    wx_settings["WECHAT_BIND_LOCK_MINUTES"] = 5
    changed = views.callback_settings(app)
    assert changed.deadline == 2.5 and changed.transport.encoding_aes_key is None
    assert changed.bot.consent_version == "2027-01" and changed.bot.bind_lock.total_seconds() == 300
    assert changed.transport == views.transport_config(app.config)


def test_the_aes_helper_is_built_once_per_transport_config(app, wx_settings):
    config = views.callback_settings(app).transport
    assert config.crypto() is config.crypto()
