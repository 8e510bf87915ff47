"""Build the WeChat API client from the app config (WECHAT_* settings)."""
from __future__ import annotations

from typing import Mapping

from app.errors import ServiceUnavailable, Unauthorized
from app.wechat.client import WeChatApiError, WeChatClient
from app.wechat.tokens import store_from_config


class OAuthAdapter:
    """The web-authorisation exchange as the auth service expects it: domain errors, not WeChat codes."""

    def __init__(self, client: WeChatClient):
        self.client = client

    def oauth_code_to_openid(self, code: str) -> str:
        try:
            return self.client.oauth_code_to_openid(code)
        except WeChatApiError as exc:
            if exc.result.retryable:
                raise ServiceUnavailable("wechat.unavailable", "微信服务暂时不可用，请稍后再试 / WeChat is unavailable") from exc
            raise Unauthorized("auth.wechat_code", "授权已失效，请重新进入页面 / invalid or used authorisation code") from exc


def client_from_config(config: Mapping) -> OAuthAdapter:
    """A client for the configured official account, with the shared token store (app.wechat.tokens)."""
    client = WeChatClient(config["WECHAT_APPID"], config["WECHAT_APPSECRET"], base_url=config["WECHAT_API_BASE"],
                          store=store_from_config(config))
    return OAuthAdapter(client)
