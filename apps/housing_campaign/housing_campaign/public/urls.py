from django.urls import path

from . import money, views

app_name = "public"
urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path("cong-khai/<str:code>/", money.territory, name="territory"),
    path("bien-nhan/<str:code>", money.receipt, name="receipt"),
]
