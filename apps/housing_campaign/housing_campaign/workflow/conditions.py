"""Conditions: expressions over a document, evaluated by simpleeval (no ``eval``)."""
from __future__ import annotations

import ast

from simpleeval import EvalWithCompoundTypes, InvalidExpression

from . import registry


class ConditionError(Exception):
    pass


def condition_names(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"Điều kiện không đúng cú pháp: {exc.msg} (cột {exc.offset})") from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        if isinstance(node, (ast.Attribute, ast.Lambda, ast.ListComp, ast.DictComp, ast.GeneratorExp,
                             ast.SetComp, ast.NamedExpr)):
            raise ConditionError("Điều kiện chỉ được dùng tên trường, hằng số, phép so sánh và hàm len/min/max/abs.")
    return names


def condition_problems(doctype: str, expression: str) -> list[str]:
    """Why a condition cannot be saved: syntax, forbidden constructs, unknown names."""
    if not expression.strip():
        return []
    try:
        names = condition_names(expression)
    except ConditionError as exc:
        return [str(exc)]
    unknown = sorted(names - registry.known_names(doctype) - set(registry.FUNCTIONS))
    return [f"Điều kiện dùng tên không tồn tại: {', '.join(unknown)}"] if unknown else []


def evaluate(doctype: str, document, expression: str) -> bool:
    if not expression.strip():
        return True

    def resolve(node):
        try:
            return registry.document_value(doctype, document, node.id)
        except KeyError:
            raise ConditionError(f"Tên không tồn tại trong điều kiện: {node.id}") from None

    evaluator = EvalWithCompoundTypes(names=resolve, functions=registry.FUNCTIONS)
    try:
        return bool(evaluator.eval(expression.strip()))
    except ConditionError:
        raise
    except (InvalidExpression, TypeError, ValueError, ZeroDivisionError, SyntaxError) as exc:
        raise ConditionError(f"Không tính được điều kiện “{expression}”: {exc}") from None
