"""/desk/khoa-api/ (namespace "apikeys"): the user's own API tokens."""
from django.urls import path

from . import desk_views

app_name = "apikeys"

urlpatterns = [
    path("", desk_views.tokens, name="list"),
    path("<int:pk>/thu-hoi/", desk_views.revoke, name="revoke"),
]
