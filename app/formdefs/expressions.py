"""The `relevant` condition language: parsed once, checked against the form, never eval'ed.

Python's own parser reads the text; only a small whitelist of node kinds is accepted and
turned into closures. Unanswered values (None) compare false, except against ``null``.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.dates import PartialDate

Lookup = Callable[[str], Any]
_Eval = Callable[[Lookup], Any]

_MISSING = object()
_LITERAL_NAMES = {"true": True, "false": False, "null": None}
FUNCTIONS = ("answered", "count", "age")
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class ExpressionError(ValueError):
    """The text is not a valid condition; the message says why."""


@dataclass(frozen=True)
class Expression:
    source: str
    names: frozenset[str]
    _evaluate: _Eval

    def evaluate(self, lookup: Lookup) -> bool:
        try:
            return bool(self._evaluate(lookup))
        except TypeError:
            return False  # e.g. comparing a text with a number: the condition does not hold


# A condition reads like "count(work_history) > 0 and age(date_of_birth) < 18": anything far
# longer or deeper is a damaged definition, refused before Python's parser recurses into it.
MAX_SOURCE_LENGTH = 1000
MAX_DEPTH = 24


def parse(source: str) -> Expression:
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_SOURCE_LENGTH} characters")
    if source.count("(") + source.count("[") > MAX_DEPTH * 4:
        raise ExpressionError("the condition has too many brackets")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"syntax error in {source[:80]!r}: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the condition is nested too deeply") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise ExpressionError(f"the condition is nested more than {MAX_DEPTH} levels deep")
    names: set[str] = set()
    evaluate = _compile(tree.body, names)
    return Expression(source, frozenset(names), evaluate)


def _depth(root: ast.AST) -> int:
    """How deep the tree goes, counted without recursion (a hostile tree may be deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:  # no need to walk further down than what is refused anyway
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
        return Decimal(str(node.value)) if isinstance(node.value, float) else node.value
    if isinstance(node, ast.Name) and node.id in _LITERAL_NAMES:
        return _LITERAL_NAMES[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _literal(node.operand)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return -value
    return _MISSING


def _compile(node: ast.expr, names: set[str]) -> _Eval:
    literal = _literal(node)
    if literal is not _MISSING:
        return lambda _lookup: literal
    if isinstance(node, ast.Name):
        name = node.id
        names.add(name)
        return lambda lookup: lookup(name)
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(element) for element in node.elts]
        if any(item is _MISSING for item in items):
            raise ExpressionError("a list may hold only literal values")
        frozen = tuple(items)
        return lambda _lookup: frozen
    if isinstance(node, ast.BoolOp):
        parts = [_compile(value, names) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda lookup: all(part(lookup) for part in parts)
        return lambda lookup: any(part(lookup) for part in parts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _compile(node.operand, names)
        return lambda lookup: not inner(lookup)
    if isinstance(node, ast.Compare):
        return _compile_compare(node, names)
    if isinstance(node, ast.Call):
        return _compile_call(node, names)
    raise ExpressionError(f"{ast.unparse(node)!r} is not allowed in a condition")


def _compile_compare(node: ast.Compare, names: set[str]) -> _Eval:
    operands = [_compile(node.left, names)] + [_compile(c, names) for c in node.comparators]
    checks = []
    lefts = [node.left, *node.comparators[:-1]]
    for op, left_node, right_node in zip(node.ops, lefts, node.comparators, strict=True):
        compare = _COMPARE.get(type(op))
        if compare is None:
            raise ExpressionError(f"the operator in {ast.unparse(node)!r} is not allowed")
        null_test = isinstance(op, ast.Eq | ast.NotEq) and (
            _literal(left_node) is None or _literal(right_node) is None
        )
        checks.append((compare, null_test))

    def evaluate(lookup: Lookup) -> bool:
        values = [operand(lookup) for operand in operands]
        for (compare, null_test), left, right in zip(checks, values, values[1:], strict=False):
            if not null_test and (left is None or right is None):
                return False
            if not compare(left, right):
                return False
        return True

    return evaluate


def _compile_call(node: ast.Call, names: set[str]) -> _Eval:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        raise ExpressionError(f"unknown function in {ast.unparse(node)!r}")
    if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.Name):
        raise ExpressionError(f"{node.func.id}() takes one field name")
    argument = _compile(node.args[0], names)
    function = node.func.id
    if function == "answered":
        return lambda lookup: argument(lookup) not in (None, "", [], ())
    if function == "count":
        return lambda lookup: len(argument(lookup) or ())
    return lambda lookup: _age(argument(lookup))


def _age(value: Any) -> int | None:
    today = dt.date.today()
    if isinstance(value, PartialDate):  # a year alone counts from its 1 January
        return value.age_on(today)
    if not isinstance(value, dt.date):
        return None
    return today.year - value.year - ((today.month, today.day) < (value.month, value.day))
