"""Conditions: expressions over a document, evaluated by simpleeval (no ``eval``), with bounds.

simpleeval's own limits are not enough (``MAX_POWER`` bounds the exponent only, so
``3999999 ** 3999999`` runs for half a minute). Here every operator that can grow a value checks its
result's size first (integers in bits for ``**``, ``*``, ``<<``, ``+``; strings and lists in length;
``%`` formatting widths), the number of syntax nodes is bounded, comprehensions, lambdas and
f-strings are refused, and the evaluation has a time limit checked at every node (see
``core/limits.py``: conditions run inside transactions and may query the database, so no exception is
ever injected into them; without loops the checks at each node are enough).

A definition is refused when saved if a condition's constant parts already exceed a bound: constant
sub-expressions are evaluated with the same bounds (``2 ** 10 ** 9`` is refused without being
computed), and a power or shift by a constant larger than the integer bound is refused whatever its
left side.
"""
from __future__ import annotations

import ast

from django.utils.translation import gettext, gettext_noop
from simpleeval import DEFAULT_OPERATORS, EvalWithCompoundTypes, InvalidExpression

from housing_campaign.core import limits
from housing_campaign.core.limits import LimitExceeded

from . import registry


class ConditionError(Exception):
    pass


OPERATORS = {**DEFAULT_OPERATORS, ast.Pow: limits.safe_pow, ast.Mult: limits.safe_mul, ast.Add: limits.safe_add,
             ast.Sub: limits.safe_sub, ast.LShift: limits.safe_lshift, ast.RShift: limits.safe_rshift,
             ast.Mod: limits.safe_mod}
_FORBIDDEN = (ast.Attribute, ast.Lambda, ast.ListComp, ast.DictComp, ast.GeneratorExp, ast.SetComp, ast.NamedExpr,
              ast.JoinedStr, ast.FormattedValue)


class BoundedEvaluator(EvalWithCompoundTypes):
    """simpleeval with bounded operators, no comprehensions or f-strings, and a step/time check per node."""

    def __init__(self, *, names, functions):
        super().__init__(operators=OPERATORS, functions=functions, names=names)
        for node_type in (ast.ListComp, ast.DictComp, ast.GeneratorExp, ast.SetComp, ast.JoinedStr,
                          ast.FormattedValue, ast.Attribute):
            self.nodes.pop(node_type, None)

    def _eval(self, node):
        limits.budget().step()
        return super()._eval(node)


def _parse(expression: str) -> ast.Expression:
    try:
        return ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        # Python's own wording ("invalid syntax") is English and technical: say where, in the user's language.
        raise ConditionError(gettext("Điều kiện không đúng cú pháp ở khoảng ký tự thứ %(column)s; kiểm tra lại "
                                     "dấu ngoặc, dấu so sánh và tên trường.") % {"column": exc.offset or 1}) from None
    except (RecursionError, MemoryError):
        raise ConditionError(gettext("Điều kiện lồng nhau quá sâu hoặc quá dài, không đọc được; hãy viết gọn "
                                     "lại.")) from None
    except ValueError as exc:
        raise ConditionError(gettext("Điều kiện không đọc được: %(error)s") % {
            "error": exc or gettext("ký tự không hợp lệ")}) from None


def condition_names(expression: str) -> set[str]:
    tree = _parse(expression)
    names = set()
    count = 0
    max_nodes = limits.limits().max_condition_nodes
    for node in ast.walk(tree):
        count += 1
        if count > max_nodes:
            raise ConditionError(gettext("Điều kiện quá dài: hơn %(max)s thành phần.") % {"max": max_nodes})
        if isinstance(node, ast.Name):
            names.add(node.id)
        if isinstance(node, _FORBIDDEN):
            raise ConditionError(gettext("Điều kiện chỉ được dùng tên trường, hằng số, phép so sánh và hàm "
                                         "len/min/max/abs/round."))
    return names


def _constant(node: ast.AST) -> bool:
    """A sub-tree whose value does not depend on the document (literals, operators, known functions)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in registry.FUNCTIONS and sub.id not in ("True", "False", "None"):
            return False
    return True


def limit_problems(expression: str) -> list[str]:
    """Bounds that the condition exceeds whatever the document: constant sub-expressions evaluated with
    the bounds (short time limit), powers and shifts by constants larger than the integer bound."""
    current = limits.limits()
    problems: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call, ast.BoolOp, ast.Compare)) and _constant(node):
            try:
                _evaluate_tree(node)
            except LimitExceeded as exc:
                problems.append(exc.message)
            except ConditionError:
                pass  # e.g. 1/0 in a branch that may never run: not a bound
            return
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.LShift)) and _constant(node.right):
            try:
                exponent = _evaluate_tree(node.right)
            except (LimitExceeded, ConditionError):
                exponent = None  # reported when the right side is visited
            if isinstance(exponent, int) and exponent > current.max_int_bits:
                sign = "**" if isinstance(node.op, ast.Pow) else "<<"
                problems.append(gettext("số mũ/độ dịch bit (%(op)s) %(value)s vượt giới hạn %(max)s.") % {
                    "op": sign, "value": limits._n(exponent), "max": limits._n(current.max_int_bits)})
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round" \
                and len(node.args) > 1 and _constant(node.args[1]):
            try:
                limits.ensure_width(_evaluate_tree(node.args[1]), gettext_noop("số chữ số của round"))
            except LimitExceeded as exc:
                problems.append(exc.message)
            except ConditionError:
                pass
        for child in ast.iter_child_nodes(node):
            visit(child)

    tree = _parse(expression)
    try:
        with limits.bounded(seconds=current.condition_seconds, lim=current, reuse=True):
            visit(tree.body)
    except LimitExceeded as exc:
        problems.append(exc.message)
    return list(dict.fromkeys(problems))


def _evaluate_tree(node: ast.AST):
    evaluator = BoundedEvaluator(names={"True": True, "False": False, "None": None}, functions=registry.FUNCTIONS)
    try:
        return evaluator._eval(node)
    except (InvalidExpression, TypeError, ValueError, ZeroDivisionError, OverflowError, KeyError,
            IndexError, RecursionError) as exc:
        raise ConditionError(str(exc)) from None


def condition_problems(doctype: str, expression: str) -> list[str]:
    """Why a condition cannot be saved: syntax, forbidden constructs, unknown names, bounds."""
    if not expression.strip():
        return []
    try:
        names = condition_names(expression)
    except ConditionError as exc:
        return [str(exc)]
    unknown = sorted(names - registry.known_names(doctype) - set(registry.FUNCTIONS))
    if unknown:
        return [gettext("Điều kiện dùng tên không tồn tại: %(names)s") % {"names": ", ".join(unknown)}]
    return [gettext("Điều kiện “%(condition)s” vượt giới hạn: %(problem)s") % {
        "condition": _short(expression), "problem": problem} for problem in limit_problems(expression)]


def _short(expression: str) -> str:
    text = " ".join(expression.split())
    return text if len(text) <= 80 else text[:77] + "…"


def evaluate(doctype: str, document, expression: str) -> bool:
    if not expression.strip():
        return True
    condition_names(expression)  # forbidden constructs and size, as when saved

    def resolve(node):
        try:
            return registry.document_value(doctype, document, node.id)
        except KeyError:
            raise ConditionError(gettext("Tên không tồn tại trong điều kiện: %(name)s") % {"name": node.id}) from None

    evaluator = BoundedEvaluator(names=resolve, functions=registry.FUNCTIONS)
    lim = limits.limits()
    try:
        with limits.bounded(seconds=lim.condition_seconds, lim=lim):
            return bool(evaluator.eval(expression.strip()))
    except ConditionError:
        raise
    except LimitExceeded as exc:
        raise ConditionError(gettext("Điều kiện “%(condition)s” vượt giới hạn: %(problem)s") % {
            "condition": _short(expression), "problem": exc.message}) from None
    except (InvalidExpression, TypeError, ValueError, ZeroDivisionError, SyntaxError, OverflowError,
            RecursionError) as exc:
        raise ConditionError(gettext("Không tính được điều kiện “%(condition)s”: %(error)s") % {
            "condition": expression, "error": exc}) from None


def condition_try(*, doctype: str, actor, expression: str, document_code: str) -> dict:
    """“Thử điều kiện trên hồ sơ X”: the condition's problems, or its value on the document of that code
    inside the actor's territory (nothing outside it is found, let alone evaluated). Writes nothing.
    ``{"ok": True, "value": bool, "document": doc}`` or ``{"ok": False, "message": why}``."""
    from housing_campaign.accounts.selectors import scope

    problems = condition_problems(doctype, expression)
    if problems:
        return {"ok": False, "message": "; ".join(problems)}
    code = (document_code or "").strip()
    if not code:
        return {"ok": False, "message": gettext("Nhập mã hồ sơ để thử điều kiện.")}
    model = registry.model_for(doctype)
    document = scope(model.objects.all(), actor).filter(code=code).first()
    if document is None:
        return {"ok": False,
                "message": gettext("Không tìm thấy hồ sơ “%(code)s” trong địa bàn của bạn.") % {"code": code}}
    try:
        return {"ok": True, "value": evaluate(doctype, document, expression), "document": document}
    except ConditionError as exc:
        return {"ok": False, "message": str(exc)}
