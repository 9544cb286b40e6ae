"""Print templates are data written by administrators: render them in Jinja's immutable sandbox,
with plain-data contexts (never model instances), no loader (no files), no settings, and bounds.

The sandbox stops escapes, not exhaustion. ``BoundedEnvironment`` adds the bounds of ``core/limits.py``
(see its docstring for the design and why the render stays in-process):

- arithmetic goes through ``call_binop``/``call_unop`` (every operator is intercepted, which also stops
  Jinja from folding ``9 ** (9 ** 8)`` while compiling): integers bounded in bits, strings and lists
  in length;
- ``range`` is capped; every ``for`` loop's iterable and every call (macros, ``loop(...)``) counts
  against the budget of loop iterations and checks the deadline;
- ``~`` concatenation and the buffers of macros, ``{% set %}``/``{% filter %}``/``{% call %}`` blocks are
  bounded in length; the output is streamed with ``generate()`` and stopped past its cap;
- filters that allocate from a small input (``center``, ``indent``, ``format``, ``wordwrap``, ``batch``,
  ``slice``, ``replace``, ``join``, ``sum``, ``round`` and the project's own) check their arguments
  first; every filter's result is bounded;
- methods of built-in values are limited to an allow-list (``'x'.ljust(10**9)``, ``(1).to_bytes(...)`` and
  ``str.translate`` cannot be used to allocate), padding, ``join`` and ``replace`` are checked, and
  ``str.format`` widths are bounded;
- the render has a time limit (5 s a document, 2 s for previews by default), cooperative at each of
  the points above and backed by a watchdog.
"""
from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import _PassArg, pass_environment, pass_eval_context
from markupsafe import Markup, soft_str

from housing_campaign.core import hookspec, limits
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.limits import LimitExceeded


# ---------------------------------------------------------------------------- generated code hooks
class BoundedCodeGenerator(CodeGenerator):
    def buffer(self, frame) -> None:
        """Buffers of macros and blocks are bounded lists."""
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.bounded_buffer()")

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.bounded_string(")
        super().visit_Concat(node, frame)
        self.write(")")


class BoundedBuffer(list):
    __slots__ = ("size",)

    def __init__(self):
        super().__init__()
        self.size = 0

    def append(self, item) -> None:
        self._grow(len(item) if isinstance(item, str) else len(soft_str(item)))
        super().append(item)

    def extend(self, items) -> None:
        items = tuple(items)
        self._grow(sum(len(i) if isinstance(i, str) else len(soft_str(i)) for i in items))
        super().extend(items)

    def _grow(self, n: int) -> None:
        self.size += n
        if self.size > limits.budget().limits.max_string_length:
            limits.ensure_length(self.size, gettext_noop("khối nội dung (macro, set, filter)"))


class _Guarded:
    """A for loop's iterable: every iteration counts against the budget and checks the deadline."""

    __slots__ = ("iterable",)

    def __init__(self, iterable):
        self.iterable = iterable

    def __len__(self) -> int:
        return len(self.iterable)

    def __iter__(self):
        current = limits.budget()
        for item in self.iterable:
            current.step()
            yield item


def bounded_range(*args):
    current = limits.budget()
    for arg in args:
        limits.check_int(arg, gettext_noop("tham số của range"))
    rng = range(*args)
    try:
        length = len(rng)
    except OverflowError:
        length = float("inf")
    if length > current.limits.max_range:
        raise LimitExceeded(_("range(…) có %(length)s phần tử, vượt giới hạn %(max)s.") % {
            "length": limits._n(length) if length != float("inf") else _("quá nhiều"),
            "max": limits._n(current.limits.max_range)})
    current.charge(length)
    return rng


# ---------------------------------------------------------------------------- methods of built-in values
_STR_METHODS = frozenset(
    "capitalize casefold count endswith find index isalnum isalpha isascii isdecimal isdigit isidentifier "
    "islower isnumeric isprintable isspace istitle isupper lower lstrip rstrip strip partition rpartition "
    "removeprefix removesuffix rfind rindex split rsplit splitlines startswith swapcase title upper "
    "striptags unescape escape center ljust rjust zfill expandtabs replace join format format_map".split())
_ALLOWED_METHODS: list[tuple[tuple[type, ...], frozenset[str]]] = [
    ((str,), _STR_METHODS),
    ((bool, int, float), frozenset({"bit_length", "conjugate", "is_integer", "as_integer_ratio"})),
    ((dict,), frozenset({"get", "items", "keys", "values"})),
    ((list, tuple, range), frozenset({"index", "count"})),
    ((set, frozenset), frozenset({"issubset", "issuperset", "isdisjoint", "union", "intersection",
                                  "difference", "symmetric_difference"})),
    ((dt.date, dt.time), frozenset({"strftime", "isoformat", "weekday", "isoweekday", "isocalendar",
                                    "date", "time", "timestamp", "toordinal", "replace", "astimezone"})),
    ((dt.timedelta,), frozenset({"total_seconds"})),
    ((bytes, bytearray, Decimal, complex), frozenset()),
]


def _allowed_methods(obj) -> frozenset[str] | None:
    for kinds, names in _ALLOWED_METHODS:
        if isinstance(obj, kinds):
            return names
    return None


def _checked_method(obj, attr: str, method):
    """Padding, join, replace, expandtabs and strftime of built-in values, checked before they allocate."""
    if not isinstance(obj, str) and not (attr == "strftime" and isinstance(obj, (dt.date, dt.time))):
        return method
    name = _("phương thức “%(name)s”") % {"name": attr}
    if attr in ("center", "ljust", "rjust", "zfill"):
        def padded(width, *args):
            limits.ensure_length(max(len(obj), width if isinstance(width, int) else 0), name)
            return method(width, *args)
        return padded
    if attr == "expandtabs":
        def expanded(tabsize=8):
            limits.ensure_length(len(obj) + obj.count("\t") * max(tabsize, 0), name)
            return method(tabsize)
        return expanded
    if attr == "replace":
        def replaced(old, new, count=-1):
            _check_replace(obj, old, new, count, name)
            return method(old, new, count)
        return replaced
    if attr == "join":
        def joined(iterable):
            return method(_bounded_items(iterable, obj, name))
        return joined
    if attr == "strftime":
        def formatted(fmt):
            limits.ensure_length(len(fmt) * 10, name)
            return method(fmt)
        return formatted
    return method


def _check_replace(s, old, new, count, name) -> None:
    s, old, new = soft_str(s), soft_str(old), soft_str(new)
    occurrences = s.count(old) if old else len(s) + 1
    if count is not None and count >= 0:
        occurrences = min(occurrences, count)
    limits.ensure_length(len(s) + occurrences * max(len(new) - len(old), 0), name)


def _bounded_items(iterable, separator: str, name: str) -> list:
    """Items of a join, refused as soon as the joined text would pass the bound (a huge generator
    never gets consumed whole)."""
    current = limits.budget()
    cap = current.limits.max_string_length
    items, size = [], 0
    for item in iterable:
        current.step()
        size += len(item if isinstance(item, str) else soft_str(item)) + len(separator)
        if size > cap:
            limits.ensure_length(size, name)
        items.append(item)
    current.charge(size)
    return items


class _BoundedFormatterMixin:
    """``'{:>999999999}'.format(x)``: every width/precision bounded, the whole result too."""

    def vformat(self, format_string, args, kwargs):
        self._size = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value, format_spec):
        limits.check_format_spec(format_spec)
        result = super().format_field(value, format_spec)
        self._size += len(result)
        limits.ensure_length(self._size, limits.FORMAT_STRING)
        return result


class BoundedFormatter(_BoundedFormatterMixin, SandboxedFormatter):
    pass


class BoundedEscapeFormatter(_BoundedFormatterMixin, SandboxedEscapeFormatter):
    pass


# ---------------------------------------------------------------------------- filters
def _arg(args, kwargs, index: int, name: str, default=None):
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _pre_center(value, *args, **kwargs):
    width = _arg(args, kwargs, 0, "width", 80)
    limits.ensure_length(max(len(soft_str(value)), width if isinstance(width, int) else 0),
                         gettext_noop("bộ lọc “center”"))


def _pre_indent(s, *args, **kwargs):
    width = _arg(args, kwargs, 0, "width", 4)
    per_line = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    text = soft_str(s)
    limits.ensure_length(len(text) + (text.count("\n") + 1) * max(per_line, 0), gettext_noop("bộ lọc “indent”"))


def _pre_wordwrap(s, *args, **kwargs):
    width = _arg(args, kwargs, 0, "width", 79)
    wrapstring = _arg(args, kwargs, 2, "wrapstring", None) or "\n"
    text = soft_str(s)
    lines = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count("\n") + 1
    limits.ensure_length(len(text) + lines * len(soft_str(wrapstring)), gettext_noop("bộ lọc “wordwrap”"))


def _pre_format(value, *args, **kwargs):
    limits.check_percent_format(soft_str(value), kwargs or args)


def _pre_replace(s, *args, **kwargs):
    old, new = _arg(args, kwargs, 0, "old", ""), _arg(args, kwargs, 1, "new", "")
    _check_replace(s, old, new, _arg(args, kwargs, 2, "count", None), gettext_noop("bộ lọc “replace”"))


def _pre_count(position: int, name: str, what: str):
    def check(value, *args, **kwargs):
        limits.ensure_width(_arg(args, kwargs, position, name, 0), what)
    return check


def _pre_numbers(value, *args, **kwargs):
    """The project's filters (money, numbers, dates): any number argument is a width or a count."""
    for arg in (*args, *kwargs.values()):
        limits.ensure_width(arg, gettext_noop("tham số số của bộ lọc"))


_PRE_CHECKS = {
    "center": _pre_center,
    "indent": _pre_indent,
    "wordwrap": _pre_wordwrap,
    "format": _pre_format,
    "replace": _pre_replace,
    "batch": _pre_count(0, "linecount", gettext_noop("số phần tử mỗi nhóm của bộ lọc “batch”")),
    "slice": _pre_count(0, "slices", gettext_noop("số phần của bộ lọc “slice”")),
    "round": _pre_count(0, "precision", gettext_noop("số chữ số của bộ lọc “round”")),
    "truncate": None,
}


@pass_eval_context
def bounded_join(eval_ctx, value, d="", attribute=None):
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    items = _bounded_items(value, soft_str(d), gettext_noop("bộ lọc “join”"))
    return FILTERS["join"](eval_ctx, items, d)


@pass_environment
def bounded_sum(environment, iterable, attribute=None, start=0):
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    current = limits.budget()
    total = start
    for item in iterable:
        current.step()
        total = limits.safe_add(total, item)
    return total


def _bounded_filter(name: str, func, pre=None):
    skip = 1 if _PassArg.from_obj(func) is not None else 0
    label = _("bộ lọc “%(name)s”") % {"name": name}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        limits.budget().step()
        if pre is not None:
            pre(*args[skip:], **kwargs)
        return limits.check_size(func(*args, **kwargs), label)

    return wrapper


def bounded_filters(project_filters: dict) -> dict:
    filters = {**FILTERS, "join": bounded_join, "sum": bounded_sum}
    wrapped = {name: _bounded_filter(name, func, _PRE_CHECKS.get(name)) for name, func in filters.items()}
    for name, func in project_filters.items():
        wrapped[name] = _bounded_filter(name, func, _pre_numbers)
    return wrapped


# ---------------------------------------------------------------------------- environment
_BINOPS = {"+": limits.safe_add, "-": limits.safe_sub, "*": limits.safe_mul, "**": limits.safe_pow,
           "%": limits.safe_mod}


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    # -- hooks the generated code calls
    def call_binop(self, context, operator, left, right):
        limits.budget().check_time()
        checked = _BINOPS.get(operator)
        return checked(left, right) if checked else self.binop_table[operator](left, right)

    def call_unop(self, context, operator, arg):
        return self.unop_table[operator](arg)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        limits.budget().step()
        return super().call(__context, __obj, *args, **kwargs)

    @staticmethod
    def bounded_buffer() -> BoundedBuffer:
        return BoundedBuffer()

    @staticmethod
    def bounded_string(value):
        return limits.check_length(value, gettext_noop("chuỗi ghép bằng ~"))

    @staticmethod
    def loop_guard(iterable):
        return _Guarded(iterable)

    # -- attributes: built-in values expose only allow-listed methods, the allocating ones checked
    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        allowed = _allowed_methods(obj)
        return allowed is None or not callable(value) or attr in allowed

    def getattr(self, obj, attribute):
        return self._guard(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        return self._guard(obj, argument, value) if isinstance(argument, str) else value

    def _guard(self, obj, attr, value):
        if isinstance(value, (types.BuiltinMethodType, types.MethodType)) and _allowed_methods(obj) is not None:
            return _checked_method(obj, attr, value)
        return value

    def unsafe_undefined(self, obj, attribute):
        return self.undefined(_("không được dùng “%(attribute)s” của giá trị kiểu %(type)s trong mẫu in") % {
                                  "attribute": attribute, "type": type(obj).__name__},
                              name=attribute, obj=obj, exc=SecurityError)

    def wrap_str_format(self, value):
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                or value.__name__ not in ("format", "format_map") or not isinstance(value.__self__, str):
            return None
        f_self = value.__self__
        formatter = BoundedEscapeFormatter(self, escape=f_self.escape) if isinstance(f_self, Markup) \
            else BoundedFormatter(self)
        is_map = value.__name__ == "format_map"

        def wrapper(*args, **kwargs):
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError(_("format_map() nhận đúng một tham số"))
                args, kwargs = (), args[0]
            return type(f_self)(formatter.vformat(f_self, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    # -- compile: every for loop's iterable goes through loop_guard
    def _generate(self, source, name, filename, defer_init=False):
        for loop in source.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("loop_guard"), [loop.iter], [], None, None,
                                   lineno=loop.iter.lineno)
        return super()._generate(source, name, filename, defer_init=defer_init)


@lru_cache(maxsize=1)
def environment() -> BoundedEnvironment:
    env = BoundedEnvironment(autoescape=True, undefined=StrictUndefined, loader=None,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.clear()
    env.filters.update(bounded_filters(hookspec.jinja_filters()))
    env.globals.clear()
    methods = {name: _bounded_filter(name, func, _pre_numbers) for name, func in hookspec.jinja_methods().items()}
    env.globals.update({"range": bounded_range, "len": len, **methods})
    return env


def _error(kind: str, exc: Exception, lineno: int | None = None) -> ServiceError:
    """``kind``: a msgid (gettext_noop), said in the reader's language."""
    if lineno:
        return ServiceError(_("%(kind)s (dòng %(line)s): %(error)s") % {"kind": _(kind), "line": lineno, "error": exc},
                            code=ErrorCode.TEMPLATE_ERROR)
    return ServiceError(_("%(kind)s: %(error)s") % {"kind": _(kind), "error": exc}, code=ErrorCode.TEMPLATE_ERROR)


def _limit_error(exc: LimitExceeded, lineno: int | None = None) -> ServiceError:
    if lineno:
        return ServiceError(_("Mẫu in bị dừng vì vượt giới hạn (dòng %(line)s): %(reason)s") % {
            "line": lineno, "reason": exc.message}, code=ErrorCode.LIMIT_EXCEEDED)
    return ServiceError(_("Mẫu in bị dừng vì vượt giới hạn: %(reason)s") % {"reason": exc.message},
                        code=ErrorCode.LIMIT_EXCEEDED)


def compile_template(source: str):
    current = limits.limits()
    if len(source) > current.max_source_chars:
        raise ServiceError(_("Mẫu in dài %(length)s ký tự, vượt giới hạn %(max)s ký tự.") % {
            "length": limits._n(len(source)), "max": limits._n(current.max_source_chars)},
            code=ErrorCode.LIMIT_EXCEEDED)
    return _compile(source)


@lru_cache(maxsize=64)
def _compile(source: str):
    """Compiled templates are reused (batch printing renders one format hundreds of times)."""
    try:
        return environment().from_string(source)
    except TemplateSyntaxError as exc:
        raise _error(gettext_noop("Lỗi cú pháp mẫu in"), exc.message or exc, exc.lineno) from None
    except LimitExceeded as exc:
        raise _limit_error(exc) from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise _error(gettext_noop("Mẫu in không dịch được"), exc) from None


def render(source: str, context: Mapping, *, seconds: float | None = None) -> str:
    """Render with every bound; ``seconds`` defaults to the per-document limit (``render_seconds``)."""
    template = compile_template(source)
    current = limits.limits()
    seconds = seconds if seconds is not None else current.render_seconds
    try:
        with limits.bounded(seconds=seconds, interrupt=True, lim=current) as budget:
            parts, size = [], 0
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > current.max_output_chars:
                    raise LimitExceeded(_("nội dung in ra vượt %(max)s ký tự.") % {
                        "max": limits._n(current.max_output_chars)})
                parts.append(chunk)
            budget.check_time()
            return "".join(parts)
    except LimitExceeded as exc:
        raise _limit_error(exc, _lineno(exc)) from None
    except SecurityError as exc:
        raise ServiceError(_("Mẫu in bị từ chối vì truy cập không được phép: %(error)s") % {"error": exc},
                           code=ErrorCode.TEMPLATE_SECURITY) from None
    except UndefinedError as exc:
        raise _error(gettext_noop("Mẫu in dùng biến không tồn tại"), exc, _lineno(exc)) from None
    except ServiceError:
        raise
    except Exception as exc:  # noqa: BLE001 - any template runtime error is reported, never a 500
        raise _error(gettext_noop("Lỗi khi dựng mẫu in"), exc, _lineno(exc)) from None


def _lineno(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
