from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from housing_campaign.api.views.docs import not_found as api_not_found

admin.site.site_header = _("Quản trị – Chung tay xóa nhà tạm, nhà dột nát")
admin.site.site_title = _("Quản trị hệ thống")
admin.site.index_title = _("Danh mục quản trị")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:queue", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(template_name="auth/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("desk/imports/", include("housing_campaign.imports.urls")),
    path("desk/kinh-phi/", include("housing_campaign.desk.urls_money")),
    path("desk/dong-gop/", include("housing_campaign.desk.urls_donations")),
    path("desk/phan-anh/", include("housing_campaign.desk.urls_feedback")),
    path("desk/niem-yet/", include("housing_campaign.desk.urls_postings")),
    path("desk/bao-cao/van-ban/", include("housing_campaign.desk.urls_report_docs")),
    path("desk/bao-cao/", include("housing_campaign.desk.urls_reports")),
    path("desk/chi-tieu/", include("housing_campaign.imports.urls_targets")),
    path("desk/thi-dua/", include("housing_campaign.desk.urls_emulation")),
    path("desk/khoa-api/", include("housing_campaign.api.desk_urls")),
    path("desk/", include("housing_campaign.desk.urls")),
    path("api/v1/", include("housing_campaign.api.urls")),
    re_path(r"^api/(?P<rest>[\s\S]*)$", api_not_found, name="api_not_found"),
    path("", include("housing_campaign.public.urls")),
]

# Plain Vietnamese error pages (config/errors.py); a 500 shows an incident reference, the trace goes to the log.
handler400 = "housing_campaign.config.errors.bad_request"
handler403 = "housing_campaign.config.errors.permission_denied"
handler404 = "housing_campaign.config.errors.page_not_found"
handler500 = "housing_campaign.config.errors.server_error"
# Uploaded files are never served as static media: photos and documents are personal data, served by
# views that check the user's territory (desk:attachment_file, desk:batch_download).
