"""The layers hold: import contracts (.importlinter), pure modules without Flask or SQLAlchemy, and no
`except ImportError` making one of our own modules optional."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("app", "jobs", "ml", "models")
PURE = ("ml.scoring", "ml.scoring_csv", "app.language", "app.services.rules", "app.services.triage",
        "app.wechat.dialogue")


def test_import_contracts_are_kept(capsys, monkeypatch):
    # The use case rather than importlinter.cli.lint_imports: the CLI's logging.config.dictConfig would
    # disable every logger the app had already created.
    from importlinter import configuration
    from importlinter.application import use_cases

    configuration.configure()
    monkeypatch.syspath_prepend(str(ROOT))
    passed = use_cases.lint_imports(config_filename=str(ROOT / ".importlinter"), cache_dir=None, no_logo=True)
    assert passed, capsys.readouterr().out


def test_pure_modules_load_neither_flask_nor_sqlalchemy():
    code = (f"import sys; import {', '.join(PURE)}; "
            "print(' '.join(m for m in ('flask', 'sqlalchemy', 'werkzeug') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == []


def _imports_project_module(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            names = [alias.name for alias in child.names]
        elif isinstance(child, ast.ImportFrom):
            names = [child.module or ""] if child.level == 0 else ["app"]  # a relative import is ours
        else:
            continue
        if any(name.split(".")[0] in PROJECT for name in names):
            return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in ("ImportError", "ModuleNotFoundError") for t in caught)


def optional_project_imports(source: str) -> list[int]:
    """Lines of `try: import <ours> … except ImportError` (our own modules are never optional)."""
    return [node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Try)
            and any(_catches_import_error(h) for h in node.handlers)
            and any(_imports_project_module(statement) for statement in node.body)]


def test_the_walk_finds_an_optional_project_import_and_leaves_third_party_ones_alone():
    ours = "try:\n    from app.services.triage import assess\nexcept ImportError:\n    assess = None\n"
    theirs = "try:\n    import ujson as json\nexcept (ImportError, ModuleNotFoundError):\n    import json\n"
    assert optional_project_imports(ours) == [1] and optional_project_imports(theirs) == []


def test_no_project_module_is_imported_under_except_import_error():
    found = [f"{path.relative_to(ROOT)}:{line}" for top in PROJECT for path in sorted((ROOT / top).rglob("*.py"))
             for line in optional_project_imports(path.read_text(encoding="utf-8"))]
    assert not found, "import our own modules plainly:\n" + "\n".join(found)


def test_sqlite_pragmas_reach_the_apps_engines_and_no_other(db):
    from sqlalchemy import create_engine, text

    with create_engine("sqlite://").connect() as other:
        assert other.execute(text("PRAGMA foreign_keys")).scalar() == 0
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as ours:
            assert ours.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert ours.execute(text("PRAGMA busy_timeout")).scalar() == 5000
