"""bot/keys.py is what its docstring says: the only place that makes aiohttp AppKeys or RequestKeys,
and a module that imports no part of the gateway at run time (so it can never close an import cycle).
Read from the source, because an import at run time would not show what is only imported for mypy."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
KEY_TYPES = {"AppKey", "RequestKey"}


def _makes_key(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in KEY_TYPES


def test_no_module_but_bot_keys_makes_a_key():
    makers = {
        str(path.relative_to(BOT.parent))
        for path in BOT.rglob("*.py")
        if any(_makes_key(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert makers == {"bot/keys.py"}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def test_bot_keys_imports_nothing_of_the_gateway_at_run_time():
    tree = ast.parse((BOT / "keys.py").read_text(encoding="utf-8"))
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and _is_type_checking(block)
        for node in ast.walk(block)
    }
    run_time = [
        node.module if isinstance(node, ast.ImportFrom) else ", ".join(alias.name for alias in node.names)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in type_only
    ]
    assert run_time, "the check must see the module's imports"
    assert not [name for name in run_time if name and name.split(".")[0] in {"bot", "actions"}], run_time
