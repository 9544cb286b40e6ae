"""Test-only URLconf: the project's URLs and error handlers, plus a view that fails."""
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from housing_campaign.config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from housing_campaign.config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def broken(request):
    national_id = request.POST.get("national_id", "")
    raise RuntimeError(f"survey form broke for {len(national_id)} digits")


urlpatterns = [path("test-broken/", broken), *project_urlpatterns]
