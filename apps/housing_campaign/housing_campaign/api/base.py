"""What every API view shares: JSON only, the size limit of a body, the actor, the one error shape."""
from __future__ import annotations

from django.conf import settings
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from .auth import request_actor
from .errors import PayloadTooLarge


def json_limit() -> int:
    return int(getattr(settings, "API_MAX_JSON_BYTES", 1024 * 1024))


def upload_limit() -> int:
    return int(getattr(settings, "API_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))


class ApiView(APIView):
    """A view of /api/v1/. ``writes = False`` marks a POST that changes nothing (a read-only token may use it)."""

    writes = True
    parser_classes = [JSONParser]  # JSON only; the views that take files add multipart

    def initial(self, request, *args, **kwargs):
        # The size is checked before anything is read or parsed: a 10 MB JSON body is refused at once (413).
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(length)
        except ValueError:
            length = 0
        multipart = (request.META.get("CONTENT_TYPE") or "").startswith("multipart/form-data")
        limit = upload_limit() if multipart else json_limit()
        if length > limit:
            raise PayloadTooLarge(limit)
        super().initial(request, *args, **kwargs)

    def body(self, serializer_class) -> dict:
        """The request's body checked by ``serializer_class`` (a refusal is the one error shape, 400), as a dict
        the view may change."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def actor(self):
        if not hasattr(self, "_actor"):
            self._actor = request_actor(self.request)
        return self._actor

