"""Vietnamese by default: the interface language is the user's explicit choice (the language
switch's cookie), never guessed from the browser's Accept-Language, which on officials' machines
is often English."""
import logging
import time

from django.conf import settings


class VietnameseByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set:

    - ``Cache-Control: no-store`` on the desk and the admin (settings.NO_STORE_PATH_PREFIXES): their
      pages and files carry personal data that a shared office computer or a proxy must not keep;
    - ``Content-Security-Policy`` (settings.CONTENT_SECURITY_POLICY, set when the site is served over
      HTTPS), unless a view set its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        prefixes = tuple(getattr(settings, "NO_STORE_PATH_PREFIXES", ()))
        if prefixes and request.path.startswith(prefixes):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


# ---------------------------------------------------------------------------- in-process schedules
CHECK_EVERY_SECONDS = 60
_last_check = 0.0
logger = logging.getLogger(__name__)


def maybe_run_due() -> None:
    global _last_check
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True) or not getattr(settings, "RUN_SCHEDULES_IN_PROCESS",
                                                                              True):
        return
    if time.monotonic() - _last_check < CHECK_EVERY_SECONDS:
        return
    _last_check = time.monotonic()
    from .scheduler import due_jobs

    try:
        names = due_jobs()
    except Exception:  # noqa: BLE001 - never let scheduling break a request (e.g. before migrate)
        logger.exception("Could not check scheduled jobs")
        return
    from .jobs import enqueue

    for name in names:
        enqueue("housing_campaign.core.scheduler.run_job_if_due", background=True, name=name)


class SchedulerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        maybe_run_due()
        return response
