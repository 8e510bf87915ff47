"""The official account's custom menu as data (POST /cgi-bin/menu/create body).

Click buttons carry the dialogue's Command values as EventKeys, so a click and the typed
command take the same path. WeChat limits: ≤3 top-level buttons, ≤5 sub-buttons each,
top-level names ≤16 bytes, sub-button names ≤60 bytes, keys ≤128 bytes.
"""
from __future__ import annotations

import json
from typing import Any

from app.wechat.dialogue import COMMAND_WORDS, Command

MAX_BUTTONS = 3
MAX_SUB_BUTTONS = 5
MAX_TOP_NAME_BYTES = 16
MAX_SUB_NAME_BYTES = 60
MAX_KEY_BYTES = 128


def _click(name: str, command: Command) -> dict[str, str]:
    return {"type": "click", "name": name, "key": command.value}


MENU: dict[str, Any] = {
    "button": [
        {"name": "记录", "sub_button": [
            _click("记录血压", Command.RECORD_BP),
            _click("记录血糖", Command.RECORD_GLUCOSE),
            _click("最近血压", Command.RECENT_BP),
        ]},
        {"name": "我的", "sub_button": [
            _click("我的医生", Command.MY_DOCTOR),
            _click("我的签约", Command.MY_CONTRACT),
            _click("提醒设置", Command.REMINDERS),
        ]},
        {"name": "帮助", "sub_button": [
            _click("症状自查", Command.TRIAGE),
            _click("使用帮助", Command.HELP),
        ]},
    ]
}


def _view(name: str, url: str) -> dict[str, str]:
    return {"type": "view", "name": name, "url": url}


def menu_with_pages(public_url: str | None) -> dict[str, Any]:
    """The menu plus buttons that open the resident pages (/me/) when the service has a public address."""
    if not public_url:
        return MENU
    base = public_url.rstrip("/")
    menu = json.loads(json.dumps(MENU))
    mine = next(button for button in menu["button"] if button["name"] == "我的")
    mine["sub_button"] += [_view("我的血压", f"{base}/me/bp"), _view("我的血糖", f"{base}/me/glucose")]
    helper = next(button for button in menu["button"] if button["name"] == "帮助")
    helper["sub_button"].append(_view("授权与数据", f"{base}/me/privacy"))
    return menu


def validate_menu(menu: dict[str, Any]) -> list[str]:
    """Problems with a menu against WeChat's limits and our commands; [] when it can be pushed."""
    problems: list[str] = []
    buttons = menu.get("button", [])
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        problems.append(f"{len(buttons)} top-level buttons (1-{MAX_BUTTONS})")
    known = {c.value for c in Command}
    for button in buttons:
        name = button.get("name", "")
        if not name or len(name.encode("utf-8")) > MAX_TOP_NAME_BYTES:
            problems.append(f"top-level name {name!r} empty or over {MAX_TOP_NAME_BYTES} bytes")
        subs = button.get("sub_button")
        leaves = subs if subs else [button]
        if subs is not None and len(subs) > MAX_SUB_BUTTONS:
            problems.append(f"{name!r} has {len(subs)} sub-buttons (max {MAX_SUB_BUTTONS})")
        for leaf in leaves:
            leaf_name = leaf.get("name", "")
            if leaf is not button and (not leaf_name or len(leaf_name.encode("utf-8")) > MAX_SUB_NAME_BYTES):
                problems.append(f"sub-button name {leaf_name!r} empty or over {MAX_SUB_NAME_BYTES} bytes")
            if leaf.get("type") == "click":
                key = leaf.get("key", "")
                if not key or len(key.encode("utf-8")) > MAX_KEY_BYTES:
                    problems.append(f"click key {key!r} empty or over {MAX_KEY_BYTES} bytes")
                elif key not in known:
                    problems.append(f"click key {key!r} is not a dialogue command")
            elif leaf.get("type") == "view" and not str(leaf.get("url", "")).startswith(("http://", "https://")):
                problems.append(f"view button {leaf_name!r} needs an http(s) url")
    return problems


def menu_json(menu: dict[str, Any] | None = None) -> str:
    """UTF-8 JSON as WeChat wants it: Chinese unescaped (\\u escapes show up literally)."""
    return json.dumps(menu or MENU, ensure_ascii=False, separators=(",", ":"))


def typed_word(command: Command) -> str:
    """The first typed word for a command (for help texts and tests)."""
    return next(word for word, cmd in COMMAND_WORDS.items() if cmd is command)
