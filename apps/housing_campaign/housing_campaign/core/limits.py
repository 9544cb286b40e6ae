"""Bounds on code that administrators write: print templates (Jinja) and workflow conditions (simpleeval).

Neither sandbox stops a single expression from eating the machine: ``9 ** 10000000`` holds the interpreter
lock for seconds, ``'x' * 10 ** 9`` allocates a gigabyte, ``range(10 ** 9)`` loops for minutes. Three layers
keep an evaluation small and short:

1. **Size bounds on every operation that can grow a value**: integers by their result in bits (``**``, ``*``,
   ``<<``, ``+``), strings and lists by their result length (``*``, ``+``, padding, formatting widths,
   joins, buffers). They are checked *before* the work is done, so no single C-level operation (which
   cannot be interrupted and holds the interpreter lock) runs for more than a few milliseconds.
2. **Budgets per evaluation**: loop iterations and calls, items created, output size.
3. **A time limit**, checked cooperatively at every loop iteration, call, operator and filter (each of
   which is short because of 1.), and for templates also enforced by a watchdog thread that injects an
   exception into the rendering thread (``PyThreadState_SetAsyncExc``) if the deadline passes anyway.

Why in-process and not a subprocess: a render must stay cheap (batch printing renders 1,000
certificates, each in a few milliseconds); a subprocess per render, or a pool with pickled contexts,
would cost more than the render and complicate the forked batch workers. Because of 1., the rendering
thread reaches an interruption point at least every few milliseconds, so while it runs other threads get
the interpreter lock at the normal switch interval and keep serving requests, and the runaway is
stopped at its deadline. The watchdog is only armed around template rendering, which is pure
computation over plain data (no database, no locks). Workflow conditions run inside transactions and
may query the database, so they use only the cooperative checks; they cannot loop (comprehensions and
lambdas are refused), so those checks are enough.

Limits are settings: ``EVAL_LIMITS`` (a dict overriding ``DEFAULTS``, from the site's ``[limits]`` table).
"""
from __future__ import annotations

import contextlib
import contextvars
import ctypes
import dataclasses
import heapq
import itertools
import math
import os
import re
import threading
import time
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from housing_campaign.core.errors import ErrorCode, ServiceError

DEFAULTS = {
    "max_int_bits": 4096,            # any integer result (about 1,233 decimal digits)
    "max_string_length": 1_000_000,  # any one string (characters) or list (items) built by the code
    "max_output_chars": 10_000_000,  # a rendered document
    "max_range": 100_000,            # items of one range(...)
    "max_iterations": 1_000_000,     # loop iterations and calls, per evaluation
    "max_allocated": 50_000_000,     # characters and items created by operations, per evaluation
    "max_width": 10_000,             # widths and precisions in formats, counts given to filters
    "max_source_chars": 200_000,     # a template's source
    "max_condition_nodes": 500,      # syntax nodes of one condition
    "render_seconds": 5.0,           # one document
    "preview_seconds": 2.0,          # an administrator's preview, and the check when a format is saved
    "condition_seconds": 0.5,        # one condition
    "definition_seconds": 5.0,       # checking every condition of a workflow definition when it is saved
}


@dataclasses.dataclass(frozen=True)
class Limits:
    max_int_bits: int
    max_string_length: int
    max_output_chars: int
    max_range: int
    max_iterations: int
    max_allocated: int
    max_width: int
    max_source_chars: int
    max_condition_nodes: int
    render_seconds: float
    preview_seconds: float
    condition_seconds: float
    definition_seconds: float


def limits() -> Limits:
    from django.conf import settings

    overrides = getattr(settings, "EVAL_LIMITS", None) or {}
    return Limits(**{**DEFAULTS, **{k: v for k, v in overrides.items() if k in DEFAULTS}})


class LimitExceeded(ServiceError):
    """An evaluation went past one of the bounds; the message names the limit."""

    def __init__(self, message: str):
        super().__init__(message, code=ErrorCode.LIMIT_EXCEEDED)


class Interrupted(BaseException):  # noqa: N818 - injected asynchronously, not raised by code
    """Injected by the watchdog into a thread past its deadline. A BaseException, so that no
    ``except Exception`` on the way (Jinja's constant folding, a filter) swallows it."""


def _n(value: float) -> str:
    return f"{int(value):,}".replace(",", ".")


# ---------------------------------------------------------------------------- budget of one evaluation
class Budget:
    __slots__ = ("limits", "seconds", "deadline", "steps", "allocated")

    def __init__(self, lim: Limits, seconds: float | None):
        self.limits = lim
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds else math.inf
        self.steps = 0
        self.allocated = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(time_message(self.seconds))

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limits.max_iterations:
            raise LimitExceeded(_("quá %(max)s lượt lặp và lời gọi trong một lần tính.") % {
                "max": _n(self.limits.max_iterations)})
        self.check_time()

    def charge(self, n: int) -> None:
        self.allocated += n
        if self.allocated > self.limits.max_allocated:
            raise LimitExceeded(_("tổng dữ liệu tạo ra vượt %(max)s ký tự/phần tử.") % {
                "max": _n(self.limits.max_allocated)})


def time_message(seconds: float | None) -> str:
    shown = f"{seconds:g}" if (get_language() or "vi").startswith("en") else f"{seconds:g}".replace(".", ",")
    return _("chạy quá thời gian cho phép (%(seconds)s giây).") % {"seconds": shown}


_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("eval_budget", default=None)


def budget() -> Budget:
    """The running evaluation's budget; outside one (e.g. Jinja folding constants while compiling), a
    fresh budget with the configured bounds and no deadline."""
    current = _current.get()
    return current if current is not None else Budget(limits(), None)


@contextlib.contextmanager
def bounded(*, seconds: float | None, interrupt: bool = False, lim: Limits | None = None, reuse: bool = False):
    """Run the block under a fresh budget and a deadline ``seconds`` from now. With ``interrupt``, a
    watchdog also stops pure-Python code that never reaches a cooperative check (slightly after the
    deadline, so the cooperative check normally answers first). With ``reuse``, a budget already running
    (e.g. the whole-definition check's) is shared instead."""
    if reuse and _current.get() is not None:
        yield _current.get()
        return
    current = Budget(lim or limits(), seconds)
    token = _current.set(current)
    armed = _WATCHDOG.arm(seconds + 0.25) if interrupt and seconds else None
    try:
        try:
            yield current
        finally:
            if armed is not None:
                _WATCHDOG.disarm(armed)
            _current.reset(token)
    except Interrupted:
        raise LimitExceeded(time_message(seconds)) from None


# ---------------------------------------------------------------------------- watchdog
class _Watchdog:
    """One daemon thread per process holding a heap of deadlines; at a deadline it injects
    ``Interrupted`` into the thread that armed it, unless that thread disarmed first."""

    def __init__(self):
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int]] = []
        self._armed: dict[int, int] = {}   # token -> thread id
        self._fired: dict[int, int] = {}
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> int:
        with self._cond:
            token = next(self._ids)
            self._armed[token] = threading.get_ident()
            heapq.heappush(self._heap, (time.monotonic() + seconds, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="eval-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def disarm(self, token: int) -> None:
        with self._cond:
            if self._armed.pop(token, None) is None:
                thread_id = self._fired.pop(token, None)
                if thread_id is not None:  # fired but perhaps not delivered yet: clear it
                    _set_async_exc(thread_id, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                deadline, token = self._heap[0]
                now = time.monotonic()
                if now < deadline:
                    self._cond.wait(deadline - now)
                    continue
                heapq.heappop(self._heap)
                thread_id = self._armed.pop(token)
                self._fired[token] = thread_id
                _set_async_exc(thread_id, Interrupted)


def _set_async_exc(thread_id: int, exc) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc is not None else None)


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG._reset)  # the thread and its lock do not survive a fork


# ---------------------------------------------------------------------------- checks on values
def _is_int(value) -> bool:
    return isinstance(value, int)


def _is_seq(value) -> bool:
    return isinstance(value, (str, list, tuple, bytes))


RESULT = gettext_noop("kết quả")


def check_int(value, what: str = RESULT):
    if _is_int(value):
        bits = value.bit_length()
        if bits > budget().limits.max_int_bits:
            raise LimitExceeded(_("%(what)s là số nguyên %(bits)s bit, vượt giới hạn %(max)s bit.") % {
                "what": _(what), "bits": _n(bits), "max": _n(budget().limits.max_int_bits)})
    return value


def check_length(value, what: str = RESULT):
    """A string or list built by the code: bounded length, charged to the budget."""
    if _is_seq(value):
        current = budget()
        if len(value) > current.limits.max_string_length:
            raise LimitExceeded(_("%(what)s dài %(length)s ký tự/phần tử, vượt giới hạn %(max)s.") % {
                "what": _(what), "length": _n(len(value)), "max": _n(current.limits.max_string_length)})
        current.charge(len(value))
    return value


def check_size(value, what: str = RESULT):
    return check_length(check_int(value, what), what)


def ensure_length(length: float, what: str) -> None:
    """Refuse *before* building something ``length`` long."""
    current = budget()
    if length > current.limits.max_string_length:
        raise LimitExceeded(_("%(what)s sẽ dài khoảng %(length)s ký tự/phần tử, vượt giới hạn %(max)s.") % {
            "what": _(what), "length": _n(length), "max": _n(current.limits.max_string_length)})
    current.charge(int(length))


def ensure_width(value, what: str) -> None:
    current = budget()
    if _is_int(value) and abs(value) > current.limits.max_width:
        raise LimitExceeded(_("%(what)s %(value)s vượt giới hạn %(max)s.") % {
            "what": _(what), "value": _n(value), "max": _n(current.limits.max_width)})


def _bits_limit() -> int:
    return budget().limits.max_int_bits


def safe_pow(a, b):
    if _is_int(a) and _is_int(b) and b > 0 and abs(a) > 1:
        bits = b * math.log2(abs(a))
        if bits > _bits_limit():
            raise LimitExceeded(_("lũy thừa %(a)s ** %(b)s cho số nguyên khoảng %(bits)s bit, vượt giới hạn "
                                  "%(max)s bit.") % {"a": _short(a), "b": _short(b), "bits": _n(bits),
                                                     "max": _n(_bits_limit())})
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if _is_int(b) and abs(b) > _bits_limit():
            raise LimitExceeded(_("số mũ %(b)s vượt giới hạn %(max)s.") % {"b": _short(b), "max": _n(_bits_limit())})
    return a ** b


def safe_mul(a, b):
    if _is_int(a) and _is_int(b):
        if a and b and a.bit_length() + b.bit_length() > _bits_limit() + 1:
            raise LimitExceeded(_("phép nhân cho số nguyên khoảng %(bits)s bit, vượt giới hạn %(max)s bit.") % {
                "bits": _n(a.bit_length() + b.bit_length()), "max": _n(_bits_limit())})
        return check_int(a * b)
    if _is_seq(a) and _is_int(b):
        ensure_length(len(a) * max(b, 0), gettext_noop("phép nhân chuỗi/danh sách"))
    elif _is_int(a) and _is_seq(b):
        ensure_length(len(b) * max(a, 0), gettext_noop("phép nhân chuỗi/danh sách"))
    return a * b


def safe_add(a, b):
    if _is_seq(a) and _is_seq(b):
        ensure_length(len(a) + len(b), gettext_noop("phép cộng chuỗi/danh sách"))
        return a + b
    return check_int(a + b)


def safe_sub(a, b):
    return check_int(a - b)


def safe_lshift(a, b):
    if _is_int(a) and _is_int(b) and a and b > 0 and a.bit_length() + b > _bits_limit():
        raise LimitExceeded(_("phép dịch bit << %(b)s cho số nguyên khoảng %(bits)s bit, vượt giới hạn %(max)s "
                              "bit.") % {"b": _short(b), "bits": _n(a.bit_length() + b), "max": _n(_bits_limit())})
    return a << b


def safe_rshift(a, b):
    return a >> b


FORMAT_STRING = gettext_noop("chuỗi định dạng")


def safe_mod(a, b):
    if isinstance(a, str):
        check_percent_format(a, b)
        return check_length(a % b, FORMAT_STRING)
    return a % b


def safe_neg(a):
    return -a


def _short(value) -> str:
    text = str(value) if not _is_int(value) or value.bit_length() < 64 else \
        _("(số %(bits)s bit)") % {"bits": value.bit_length()}
    return text if len(text) <= 30 else text[:27] + "…"


# ---------------------------------------------------------------------------- string formatting
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)
_DIGITS = re.compile(r"\d+")


def _width_number(text: str, what: str) -> int:
    limit = budget().limits.max_width
    if len(text) > len(str(limit)) or int(text) > limit:
        raise LimitExceeded(_("%(what)s %(value)s vượt giới hạn %(max)s.") % {
            "what": _(what), "value": text[:12] + ("…" if len(text) > 12 else ""), "max": _n(limit)})
    return int(text)


def _approx_len(value) -> int:
    if isinstance(value, str):
        return len(value)
    if _is_int(value):
        return value.bit_length() // 3 + 2
    if isinstance(value, (float, Decimal)) or value is None:
        return 40
    return len(str(value))


def check_percent_format(fmt: str, args) -> None:
    """``'%10.2f' % x``: widths and precisions bounded, ``*`` refused, the result's size estimated."""
    total = len(fmt)
    for match in _PERCENT_SPEC.finditer(fmt):
        width, precision = match.group(1), match.group(2)
        if width == "*" or precision == "*":
            raise LimitExceeded(_("độ rộng “*” trong chuỗi định dạng %% không được hỗ trợ.") % {})
        total += _width_number(width, gettext_noop("độ rộng định dạng")) if width else 0
        total += _width_number(precision, gettext_noop("độ chính xác định dạng")) if precision else 0
    values = args.values() if isinstance(args, Mapping) else args if isinstance(args, tuple) else (args,)
    total += sum(_approx_len(v) for v in values)
    ensure_length(total, FORMAT_STRING)


def check_format_spec(spec: str) -> None:
    """A ``str.format`` field spec like ``>10,.2f``: every number in it is a width or a precision."""
    for digits in _DIGITS.findall(spec):
        _width_number(digits, gettext_noop("độ rộng/độ chính xác định dạng"))
