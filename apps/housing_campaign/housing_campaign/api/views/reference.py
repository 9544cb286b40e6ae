"""Reference data every signed-in user reads: administrative units (legacy and 2025, with the mapping between
them and the villages of a commune), campaigns with their strands, norms, deadlines and survey rounds, and the
workflow definition of each document type."""
from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from housing_campaign.campaigns.models import Campaign, SupportNorm, SupportType
from housing_campaign.core.hookspec import doctype_label, doctype_models
from housing_campaign.core.validators import query_id
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow.models import WorkflowDefinition

from .. import representations as rep
from .. import serializers as s
from ..base import ApiView
from ..listing import keyset_page, page_response, pick, sparse
from .common import LIST_PARAMETERS, bad, choice_param, not_found, ordering_parameter, path_text, text_param

_PREDECESSORS = Prefetch("predecessors", queryset=AdminUnit.objects.order_by("code"), to_attr="api_predecessors")


def _units():
    return AdminUnit.objects.select_related("parent", "successor").prefetch_related(_PREDECESSORS)


class UnitList(ApiView):
    @extend_schema(operation_id="units_list", responses={200: s.UnitPage}, parameters=[
        OpenApiParameter("system", str, enum=list(AdminUnit.System.values)),
        OpenApiParameter("level", str, enum=list(AdminUnit.Level.values)),
        OpenApiParameter("parent", int, description="Mã (id) đơn vị cấp trên."),
        OpenApiParameter("code", str), OpenApiParameter("q", str, description="Tên đơn vị."),
        ordering_parameter(["id", "path"], "id"), *LIST_PARAMETERS],
        summary="Đơn vị hành chính (trước và từ 01/07/2025) với đơn vị kế thừa")
    def get(self, request):
        params = request.query_params
        fields = sparse(params, [f for f in s.UnitOut().fields if f != "villages"])
        qs = _units()
        if system := choice_param(params, "system", AdminUnit.System.values):
            qs = qs.filter(system=system)
        if level := choice_param(params, "level", AdminUnit.Level.values):
            qs = qs.filter(level=level)
        if text_param(params, "parent", 20):
            parent = query_id(text_param(params, "parent", 20))
            if parent is None:
                raise bad("parent", gettext("parent phải là mã (id) của một đơn vị."))
            qs = qs.filter(parent_id=parent)
        if code := text_param(params, "code", 10):
            qs = qs.filter(code=code)
        if name := text_param(params, "q"):
            qs = qs.filter(Q(name__icontains=name) | Q(short_name__icontains=name))
        rows, cursor = keyset_page(qs, params, allowed=["id", "path"], default="id")
        return Response(page_response(request, [pick(rep.unit_item(u), fields) for u in rows], cursor))


class UnitDetail(ApiView):
    @extend_schema(operation_id="units_retrieve", responses={200: s.UnitOut},
                   summary="Một đơn vị hành chính, với các thôn của xã")
    def get(self, request, pk):
        unit = _units().prefetch_related("villages").filter(pk=query_id(pk) or 0).first()
        if unit is None:
            raise not_found(gettext("Không có đơn vị hành chính này."))
        return Response(pick(rep.unit_item(unit, villages=True), sparse(request.query_params,
                                                                          list(s.UnitOut().fields))))


def _campaign_item(c: Campaign) -> dict:
    return {"code": c.code, "name": c.name, "province": rep.unit_ref(c.province),
            "province_2025": rep.unit_ref(c.province_2025), "starts_on": rep.when(c.starts_on),
            "ends_on": rep.when(c.ends_on), "is_active": c.is_active,
            "admitted_categories": [str(x) for x in (c.admitted_categories or [])],
            "strands": [{"code": st.code, "name": st.name} for st in c.strands.all()],
            "norms": [_norm(n) for st in c.strands.all() for n in st.norms.all()],
            "deadlines": [{"category": d.category, "deadline": rep.when(d.deadline)} for d in c.deadlines.all()],
            "rounds": [{"number": r.number, "name": r.name, "started_on": rep.when(r.started_on)}
                       for r in c.rounds.all()]}


def _norm(n: SupportNorm) -> dict:
    return {"strand": n.strand.code, "support_type": n.support_type, "amount": n.amount,
            "valid_from": rep.when(n.valid_from), "basis": n.basis}


def _campaigns():
    return (Campaign.objects.select_related("province", "province_2025")
            .prefetch_related("strands__norms__strand", "deadlines", "rounds").order_by("-starts_on", "code"))


class CampaignList(ApiView):
    @extend_schema(operation_id="campaigns_list", responses={200: s.CampaignOut(many=True)},
                   summary="Chương trình, nguồn hỗ trợ, định mức, hạn hoàn thành, đợt rà soát")
    def get(self, request):
        fields = sparse(request.query_params, list(s.CampaignOut().fields))
        return Response([pick(_campaign_item(c), fields) for c in _campaigns()])


class CampaignDetail(ApiView):
    @extend_schema(operation_id="campaigns_retrieve", responses={200: s.CampaignOut}, summary="Một chương trình")
    def get(self, request, code):
        campaign = _campaigns().filter(code=path_text(code, 40)).first()
        if campaign is None:
            raise not_found(gettext("Không có chương trình này."))
        return Response(pick(_campaign_item(campaign), sparse(request.query_params, list(s.CampaignOut().fields))))


class NormList(ApiView):
    @extend_schema(operation_id="norms_list", responses={200: s.NormOut(many=True)}, parameters=[
        OpenApiParameter("campaign", str), OpenApiParameter("support_type", str, enum=list(SupportType.values))],
        summary="Định mức hỗ trợ theo nguồn và hình thức")
    def get(self, request):
        params = request.query_params
        qs = SupportNorm.objects.select_related("strand").order_by("strand__code", "support_type", "-valid_from")
        if campaign := text_param(params, "campaign", 40):
            qs = qs.filter(strand__campaign__code=campaign)
        if support_type := choice_param(params, "support_type", SupportType.values):
            qs = qs.filter(support_type=support_type)
        return Response([_norm(n) for n in qs[:1000]])


def _workflow_item(d: WorkflowDefinition) -> dict:
    return {"doctype": d.doctype, "doctype_label": str(doctype_label(d.doctype)), "version": d.version,
            "name": d.name, "initial_state": d.initial_state, "states": [rep.state_item(x) for x in d.states.all()],
            "transitions": [rep.transition_item(t) for t in d.transitions.all()]}


class WorkflowList(ApiView):
    @extend_schema(operation_id="workflows_list", responses={200: s.WorkflowOut(many=True)},
                   summary="Quy trình đang áp dụng của từng loại hồ sơ")
    def get(self, request):
        definitions = (WorkflowDefinition.objects.filter(is_active=True, doctype__in=list(doctype_models()))
                       .prefetch_related("states", "transitions").order_by("doctype"))
        return Response([_workflow_item(d) for d in definitions])


class WorkflowDetail(ApiView):
    @extend_schema(operation_id="workflows_retrieve", responses={200: s.WorkflowOut}, parameters=[
        OpenApiParameter("version", int, description="Một phiên bản (mặc định: phiên bản đang áp dụng).")],
        summary="Quy trình của một loại hồ sơ: trạng thái, bước chuyển, vai trò, điều kiện")
    def get(self, request, doctype):
        qs = WorkflowDefinition.objects.filter(doctype=path_text(doctype, 40)).prefetch_related("states", "transitions")
        version = text_param(request.query_params, "version", 12)
        if version:
            if not version.isdigit() or int(version) > 2**31 - 1:
                raise bad("version", gettext("version phải là một số nguyên dương."))
            # Versions in use or used once; drafts are the administrators' business (the workflow builder).
            definition = qs.filter(Q(is_active=True) | Q(activated_at__isnull=False), version=int(version)).first()
        else:
            definition = qs.filter(is_active=True).first()
        if definition is None:
            raise not_found(gettext("Không có quy trình này."))
        return Response(_workflow_item(definition))
