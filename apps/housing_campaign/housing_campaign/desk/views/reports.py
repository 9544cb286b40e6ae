"""Reports of the desk."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from housing_campaign.workflow.models import Stage

from .common import request_actor


@login_required
def report_time_in_stage(request):
    from housing_campaign.workflow.sla import time_in_stage

    rows = time_in_stage(actor=request_actor(request))
    labels = dict(Stage.choices)
    for row in rows:
        row["stage_label"] = labels.get(row["stage"], row["stage"])
    return render(request, "desk/report_time_in_stage.html", {"rows": rows})
