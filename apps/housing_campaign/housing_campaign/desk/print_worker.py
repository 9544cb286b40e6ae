"""Worker processes for batch printing (see ``printing._in_workers``).

They are never forked from the web server: the server is multi-threaded, and a fork copies every lock
another thread holds at that moment (logging, database drivers, fontconfig inside WeasyPrint ...)
into a child that can never release it, so the child waits forever. They are started by the
"forkserver" method instead: a small single-threaded server process, launched once by fork+exec (safe
from any thread), which has imported Django and WeasyPrint once (``print_preload``) and forks the
workers from itself, so a batch does not pay for those imports again.

This module imports nothing from Django at the top: it is loaded in the worker before Django is set up.
"""
from __future__ import annotations


def init_worker(database: dict, media_root: str) -> None:
    """Set up Django in a worker with the parent's database (tests use their own database name) and files
    folder; the worker opens its own database connection on first use."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"].update(database)
    settings.MEDIA_ROOT = media_root
