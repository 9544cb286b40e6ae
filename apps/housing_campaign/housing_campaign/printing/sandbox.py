"""Print templates are data written by administrators: render them in Jinja's immutable sandbox,
with plain-data contexts (never model instances), no loader (no files), no settings."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from housing_campaign.core import hookspec
from housing_campaign.core.errors import ErrorCode, ServiceError


@lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, loader=None,
                                        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(hookspec.jinja_filters())
    env.globals.clear()
    env.globals.update({"range": range, "len": len, **hookspec.jinja_methods()})
    return env


def _error(kind: str, exc: Exception, lineno: int | None = None) -> ServiceError:
    where = f" (dòng {lineno})" if lineno else ""
    return ServiceError(f"{kind}{where}: {exc}", code=ErrorCode.TEMPLATE_ERROR)


def compile_template(source: str):
    try:
        return environment().from_string(source)
    except TemplateSyntaxError as exc:
        raise _error("Lỗi cú pháp mẫu in", exc.message or exc, exc.lineno) from None


def render(source: str, context: dict) -> str:
    template = compile_template(source)
    try:
        return template.render(**context)
    except SecurityError as exc:
        raise ServiceError(f"Mẫu in bị từ chối vì truy cập không được phép: {exc}",
                           code=ErrorCode.TEMPLATE_SECURITY) from None
    except UndefinedError as exc:
        raise _error("Mẫu in dùng biến không tồn tại", exc, _lineno(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any template runtime error is reported, never a 500
        raise _error("Lỗi khi dựng mẫu in", exc, _lineno(exc)) from None


def _lineno(exc: Exception) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
