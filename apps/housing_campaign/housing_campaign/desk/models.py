"""Desk conveniences: saved queue filters and survey drafts kept on the server."""
from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField("tên bộ lọc", max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name")]
        ordering = ["name"]


class SurveyDraft(models.Model):
    """What an officer typed in the field, saved whenever the connection allows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_drafts")
    key = models.CharField(max_length=80)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="surveydraft_unique_key")]
