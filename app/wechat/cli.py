"""`flask wechat …`: the chat simulator, the custom menu push, dedup-log pruning."""
from __future__ import annotations

import secrets
from datetime import timedelta

import click
import requests
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from models.base import utcnow

wechat_cli = AppGroup("wechat", help="WeChat official account: chat simulator, menu, maintenance.")
menu_cli = AppGroup("menu", help="The custom menu (app/wechat/menu.py).")
wechat_cli.add_command(menu_cli)


@wechat_cli.command("chat")
@click.option("--openid", default=None, help="Who you are (default: a new user). The demo resident: demo-openid.")
@click.option("--voice", is_flag=True, help="Send each line as a voice message (its recognised text).")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="The running service.")
@click.option("--say", "lines", multiple=True, help="Send these lines and exit (repeatable).")
def chat_command(openid: str | None, voice: bool, url: str, lines: tuple[str, ...]) -> None:
    """Talk to the bot through the real /wechat path of a running service (signed safe-mode messages)."""
    from app.wechat.simulator import ChatSimulator, chat_loop, describe, http_post, run_line
    from app.wechat.views import transport_config

    sim = ChatSimulator(transport_config(current_app.config), openid=openid or f"sim-{secrets.token_hex(6)}",
                        post=http_post(url))
    click.echo(f"openid {sim.openid} → {url}/wechat")
    if lines:
        for line in lines:
            click.echo(f"我> {line}")
            try:
                reply = run_line(sim, line, voice=voice)
            except requests.RequestException as exc:
                click.echo(f"[连接失败] {exc}. 服务在运行吗？（make run）", err=True)
                raise SystemExit(1) from None
            if reply is not None:
                click.echo("家医> " + describe(reply).replace("\n", "\n      "))
        return
    chat_loop(sim, voice=voice)


@menu_cli.command("push")
def menu_push() -> None:
    """Validate the menu and replace the official account's custom menu with it."""
    from app.wechat.menu import menu_with_pages, validate_menu
    from app.wechat.notifier import client_for

    menu = menu_with_pages(current_app.config.get("PUBLIC_URL"))
    problems = validate_menu(menu)
    if problems:
        for problem in problems:
            click.echo(f"menu problem: {problem}", err=True)
        raise SystemExit(1)
    result = client_for(current_app._get_current_object()).create_menu(menu)
    if not result.ok:
        click.echo(f"menu push failed: errcode {result.errcode} {result.errmsg}", err=True)
        raise SystemExit(1)
    click.echo("menu pushed")


@menu_cli.command("show")
def menu_show() -> None:
    """Print the menu JSON as it would be pushed."""
    from app.wechat.menu import menu_json, menu_with_pages

    click.echo(menu_json(menu_with_pages(current_app.config.get("PUBLIC_URL"))))


@wechat_cli.command("prune")
@click.option("--days", default=2, show_default=True, help="Keep this many days of the dedup log.")
def prune_command(days: int) -> None:
    """Delete dedup-log entries older than N days (WeChat retries within seconds)."""
    from app.services.wechat_accounts import prune_inbound

    removed = prune_inbound(db.session, before=utcnow() - timedelta(days=days))
    db.session.commit()
    click.echo(f"removed {removed} dedup entries")
