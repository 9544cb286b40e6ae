"""Desk conveniences: saved queue filters and survey drafts kept on the server."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters",
                             verbose_name=_("người dùng"))
    name = models.CharField(_("tên bộ lọc"), max_length=80)
    query = models.CharField(_("bộ lọc"), max_length=1000)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name")]
        ordering = ["name"]
        verbose_name = _("bộ lọc đã lưu")
        verbose_name_plural = pgettext_lazy("plural", "bộ lọc đã lưu")


class SurveyDraft(models.Model):
    """What an officer typed in the field, saved whenever the connection allows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_drafts",
                             verbose_name=_("người dùng"))
    key = models.CharField(_("khóa"), max_length=80)
    data = models.JSONField(_("dữ liệu"), default=dict)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="surveydraft_unique_key")]
        verbose_name = _("bản nháp rà soát")
        verbose_name_plural = pgettext_lazy("plural", "bản nháp rà soát")
