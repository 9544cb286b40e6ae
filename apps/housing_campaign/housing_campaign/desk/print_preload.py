"""Imported once by the forkserver that starts batch-printing workers (``print_worker``), never by the
site itself: Django, the print code and WeasyPrint loaded once, so each worker forked from it starts at
once. Any failure here only costs speed: ``print_worker.init_worker`` sets Django up again if needed."""
from __future__ import annotations

import os

if os.environ.get("DJANGO_SETTINGS_MODULE"):
    try:
        import django

        django.setup()
        import housing_campaign.desk.printing  # noqa: F401 - the workers' code and its imports
        from housing_campaign.printing import pdf  # noqa: F401 - WeasyPrint and its fonts
    except Exception:  # noqa: BLE001, S110 - a preload is an optimisation, never a reason to fail
        pass
