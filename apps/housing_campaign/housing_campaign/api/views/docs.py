"""The OpenAPI schema and the interactive documentation (Swagger UI served from the project's own static files,
from drf-spectacular-sidecar: nothing from a CDN), open to anyone: they describe the API, not its data. And the
answer to an address of /api/ that does not exist, in the one error shape."""
from __future__ import annotations

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from housing_campaign.core.errors import ErrorCode

from ..errors import error_body

_SCHEMAS: dict[tuple, dict] = {}


class SchemaView(SpectacularAPIView):
    """The schema is generated once per language and version, then served from memory (it only changes with the
    code): an anonymous client cannot make the server rebuild it on every request."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    def _get_schema_response(self, request):
        key = (translation.get_language(), self.api_version or request.version)
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super()._get_schema_response(request).data
        return Response(_SCHEMAS[key], headers={"Content-Disposition": 'inline; filename="housing-campaign-api.json"'})

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if request.GET.get("lang") not in (None, "vi", "en"):
            request.GET._mutable = True
            request.GET.pop("lang")
        return super().get(request, *args, **kwargs)


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []
    url_name = "api:schema"
    title = "API – Chung tay xóa nhà tạm, nhà dột nát"


@csrf_exempt  # writes nothing; a POST to an unknown address is a 404, not a CSRF refusal
def not_found(request, rest=""):
    """Any other address under /api/: a 404 in the one error shape (a plain view, so it is no operation of the
    schema)."""
    return JsonResponse(error_body(ErrorCode.NOT_FOUND, gettext(
        "Không có địa chỉ này trong API. Các địa chỉ bắt đầu bằng /api/v1/ và kết thúc bằng “/”; xem "
        "/api/v1/docs/.")), status=404, json_dumps_params={"ensure_ascii": False})
