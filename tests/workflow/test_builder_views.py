"""Issue 11, items 1 and 2: the workflow builder page as the administrator, the auditor, a commune
officer and an anonymous visitor; bad input on every field (never a server error, nothing changed);
two administrators on one draft; the diagram drawn by Graphviz with a link on every element."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.workflow import definitions, drafts
from housing_campaign.workflow.models import WorkflowDefinition
from tests.conftest import OTHER, make_user, new_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def active(people):
    return WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)


@pytest.fixture
def draft(people, active):
    return drafts.draft_create(actor=people.actor(people.admin), doctype="housing_case")


def page_url(definition, **query):
    url = reverse("admin:workflow_builder", args=[definition.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def snapshot(definition):
    definition.refresh_from_db()
    return definition.revision, definitions.definition_to_dict(definition)


def state_post(s, **changes):
    data = {"op": "state_save", "revision": s.definition.revision, "state": s.pk, "label_vi": s.label_vi,
            "label_en": s.label_en, "stage": s.stage, "edit_roles": s.edit_roles,
            "required_fields": s.required_fields, "sla_days": s.sla_days or ""}
    if s.is_terminal:
        data["is_terminal"] = "on"
    if s.code == s.definition.initial_state:
        data["is_initial"] = "on"
    return {**data, **changes}


def transition_post(t, **changes):
    data = {"op": "transition_save", "revision": t.definition.revision, "transition": t.pk, "source": t.source,
            "target": t.target, "label_vi": t.label_vi, "label_en": t.label_en, "kind": t.kind, "roles": t.roles,
            "condition": t.condition, "condition_message": t.condition_message, "quorum": t.quorum,
            "territory_rule": t.territory_rule, "side_effects": t.side_effects}
    for flag in ("comment_required", "allow_previous_actor"):
        if getattr(t, flag):
            data[flag] = "on"
    return {**data, **changes}


# ---------------------------------------------------------------------------- who sees what
def test_administrator_builds_from_the_list_to_a_draft(people, active):
    client = client_for(people.admin)
    changelist = client.get(reverse("admin:workflow_workflowdefinition_changelist")).content.decode()
    start = reverse("admin:workflow_builder_start", args=["housing_case"])
    assert start in changelist and "Thiết kế quy trình" in changelist
    assert reverse("admin:workflow_builder", args=[active.pk]) in client.get(
        reverse("admin:workflow_workflowdefinition_change", args=[active.pk])).content.decode()
    response = client.get(start)
    assert response.status_code == 302 and response["Location"] == page_url(active)
    page = client.get(page_url(active)).content.decode()
    # The default workflow's file is version 2 (the village list posted before review); drafts are version 3.
    assert "Phiên bản 2 · đang áp dụng" in page and "chỉ xem" in page and 'value="draft_create"' in page
    assert "<svg" in page and 'name="op" value="state_save"' not in page
    response = client.post(page_url(active), {"op": "draft_create"})
    draft = WorkflowDefinition.objects.get(doctype="housing_case", version=3)
    assert response.status_code == 302 and response["Location"] == page_url(draft)
    assert client.get(start)["Location"] == page_url(draft)
    page = client.get(page_url(draft)).content.decode()
    assert "Phiên bản 3 · bản nháp" in page and "Hủy bản nháp" in page and "Áp dụng" in page
    assert "Hai phiên bản giống hệt nhau" in page


def test_auditor_reads_the_builder_but_changes_nothing(people, draft):
    client = client_for(people.auditor)
    response = client.get(page_url(draft, state=draft.states.get(code="survey").pk))
    page = response.content.decode()
    assert response.status_code == 200 and "<svg" in page and "Đang rà soát" in page
    assert "Lưu trạng thái" not in page and "Hủy bản nháp" not in page and "Tạo bản nháp" not in page
    assert 'disabled' in page  # the form is shown read-only
    assert client.get(reverse("admin:workflow_builder_export", args=[draft.pk])).status_code == 200
    assert client.get(reverse("admin:workflow_builder_check", args=[draft.pk]) + "?condition=persons").status_code \
        == 403
    before = snapshot(draft)
    s = draft.states.get(code="survey")
    for data in (state_post(s, label_vi="Thanh tra sửa"), {"op": "discard", "confirm": "yes", "revision": 0},
                 {"op": "draft_create"}):
        assert client.post(page_url(draft), data).status_code == 403
    assert snapshot(draft) == before and WorkflowDefinition.objects.filter(doctype="housing_case").count() == 2


@pytest.mark.parametrize("who", ["officer", None])
def test_commune_officer_and_anonymous_get_the_login_page(people, draft, who):
    client = client_for(getattr(people, who) if who else None)
    for url in (page_url(draft), reverse("admin:workflow_builder_start", args=["housing_case"]),
                reverse("admin:workflow_builder_export", args=[draft.pk]),
                reverse("admin:workflow_builder_check", args=[draft.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    before = snapshot(draft)
    s = draft.states.get(code="survey")
    response = client.post(page_url(draft), state_post(s, label_vi="Không được"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert snapshot(draft) == before


def test_staff_flag_alone_grants_nothing(people, draft):
    client = client_for(make_user("staff_only", "commune_officer", "23344", staff=True))
    assert client.get(page_url(draft)).status_code == 403
    assert client.get(reverse("admin:workflow_builder_start", args=["housing_case"])).status_code == 403


def test_unknown_doctype_and_version_are_404(people):
    client = client_for(people.admin)
    assert client.get(reverse("admin:workflow_builder_start", args=["spaceship"])).status_code == 404
    assert client.get(reverse("admin:workflow_builder", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------- editing through the page
def test_insert_between_through_the_page(people, draft):
    client = client_for(people.admin)
    # Workflow v2: the step into eligibility review ends the village list's posting (the chairman's).
    confirm = draft.transitions.get(source="village_posting", action="end_posting")
    page = client.get(page_url(draft, transition=confirm.pk)).content.decode()
    assert "Thêm trạng thái giữa “Đang niêm yết danh sách bình xét” và “Chờ thẩm định”" in page
    form = client.get(page_url(draft, insert=confirm.pk)).content.decode()
    # Preselected from the transition: who acts in the new state, and the stage of the state it leads to.
    assert re.search(r'<input[^>]*name="roles" value="commune_chairman"[^>]*checked', form)
    assert '<option value="review" selected>' in form
    response = client.post(page_url(draft, insert=confirm.pk), {
        "op": "insert", "revision": 0, "transition": confirm.pk, "label_vi": "Kiểm tra hiện trường",
        "stage": "review", "roles": ["commune_chairman"]})
    new = draft.states.get(code="kiem_tra_hien_truong")
    assert response.status_code == 302 and response["Location"] == page_url(draft, state=new.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Đã thêm trạng thái “Kiểm tra hiện trường”" in page
    assert "Kiểm tra hiện trường" in svg_text(page) and "Hoàn tất kiểm tra hiện trường" in svg_text(page)
    assert "thêm mới" in page  # the differences with the active version


def test_bad_input_on_every_field_is_refused_without_a_server_error(people, draft):
    client = client_for(people.admin)
    s = draft.states.get(code="commune_confirmation")
    t = draft.transitions.get(source="eligibility_review", action="approve")
    huge = "9" * 40
    nasty = "\x00<script>alert(1)</script>" + "ệ" * 300
    posts = [
        {"op": "explode"}, {}, {"op": "state_save"}, {"op": "transition_save"}, {"op": "insert"},
        {"op": "state_delete", "state": huge, "revision": 0}, {"op": "transition_delete", "transition": "abc"},
        {"op": "discard", "confirm": "yes", "revision": huge}, {"op": "info_save", "revision": 0, "name": ""},
        {"op": "info_save", "revision": 0, "name": nasty * 2},
        {"op": "insert", "revision": 0, "transition": t.pk, "label_vi": nasty, "stage": "x", "roles": ["ghost"]},
        {"op": "insert", "revision": 0, "transition": huge, "label_vi": "A", "stage": "review", "roles": ["reviewer"]},
        {"op": "try_condition", "transition": t.pk, "condition": "1" * 5000, "try_document": nasty},
    ]
    for field, values in {"revision": ["", "-1", huge, "1.5", "٣"], "label_vi": ["", nasty],
                          "stage": ["", "moon", huge], "edit_roles": [["ghost"], [huge]],
                          "required_fields": [["no_field"], [nasty]], "sla_days": ["0", "-4", huge, "abc", "3650.5"],
                          "code": ["Has Space", "1abc", "a" * 61, nasty], "state": [huge, "x", "0"]}.items():
        for value in values:
            posts.append(state_post(s, **{field: value}))
    for field, values in {"source": ["", "nowhere", huge], "target": ["", "nowhere"], "label_vi": ["", nasty],
                          "kind": ["", "sideways"], "roles": [[], ["ghost"]], "condition": ["persons >>> 2",
                          "ghost == 1", "__import__('os')", "2 ** 10 ** 9", "x" * 2001, nasty],
                          "condition_message": [nasty], "quorum": ["0", huge, "abc"],
                          "territory_rule": ["", "everywhere"], "side_effects": [["launch_rocket"]],
                          "action": ["Bad", nasty], "transition": [huge, "-1"]}.items():
        for value in values:
            posts.append(transition_post(t, **{field: value}))
    before = snapshot(draft)
    for data in posts:
        response = client.post(page_url(draft), data)
        assert response.status_code < 500, (data, response.status_code)
        assert snapshot(draft) == before, data
    # Query parameters that are not ids never break the page either.
    for query in ("state=abc", f"state={huge}", "transition=-1", f"insert={huge}", "new=moon", "panel=x",
                  "new=transition&source=%00"):
        assert client.get(page_url(draft) + "?" + query).status_code == 200, query
    check = reverse("admin:workflow_builder_check", args=[draft.pk])
    for query in ("", "condition=%00", "condition=" + "1" * 3000, "condition=persons&document=" + "x" * 500):
        assert client.get(check + "?" + query).status_code == 200


def test_refused_edit_comes_back_with_every_reason_and_everything_typed(people, draft):
    client = client_for(people.admin)
    t = draft.transitions.get(source="eligibility_review", action="approve")
    before = snapshot(draft)
    response = client.post(page_url(draft, transition=t.pk), transition_post(
        t, label_vi="Duyệt sau khi kiểm tra", condition="is_eligible and ghost_field > 2",
        condition_message="Chưa đạt điều kiện kiểm tra"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu gì" in page and "Điều kiện dùng tên không tồn tại: ghost_field" in page
    assert 'value="Duyệt sau khi kiểm tra"' in page and "is_eligible and ghost_field &gt; 2" in page
    assert 'value="Chưa đạt điều kiện kiểm tra"' in page
    assert snapshot(draft) == before


def test_two_administrators_on_one_draft(people, draft):
    first, second = client_for(people.admin), client_for(make_user("quantri2", "administrator", "62", staff=True))
    s = draft.states.get(code="eligibility_review")
    opened = state_post(s)  # both opened the form at revision 0
    assert second.post(page_url(draft), {**opened, "label_vi": "Thẩm định hồ sơ"}).status_code == 302
    before = snapshot(draft)
    response = first.post(page_url(draft), {**opened, "label_vi": "Chờ thẩm định điều kiện", "sla_days": "12"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Bản nháp vừa được Quantri2 sửa lúc" in page
    assert 'value="Chờ thẩm định điều kiện"' in page and 'value="12"' in page  # nothing typed is lost
    assert re.search(r'name="revision" value="1"', page)  # saving again is now a deliberate choice
    assert snapshot(draft) == before and draft.states.get(pk=s.pk).label_vi == "Thẩm định hồ sơ"
    assert first.post(page_url(draft), {**opened, "revision": 1, "label_vi": "Chờ thẩm định điều kiện"}
                      ).status_code == 302
    assert draft.states.get(pk=s.pk).label_vi == "Chờ thẩm định điều kiện"


def test_discard_asks_for_confirmation_and_is_refused_when_in_use(people, campaign, draft):
    client = client_for(people.admin)
    response = client.post(page_url(draft), {"op": "discard", "revision": 0})
    assert response["Location"] == page_url(draft) + "?panel=discard"
    assert "Hủy bản nháp phiên bản 3?" in client.get(response["Location"]).content.decode()
    case = new_case(people, campaign)
    type(case).objects.filter(pk=case.pk).update(workflow=draft)
    page = client.post(page_url(draft), {"op": "discard", "revision": 0, "confirm": "yes"}).content.decode()
    assert "đã có hồ sơ sử dụng" in page and WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    type(case).objects.filter(pk=case.pk).update(workflow=WorkflowDefinition.objects.get(is_active=True,
                                                                                       doctype="housing_case"))
    response = client.post(page_url(draft), {"op": "discard", "revision": 0, "confirm": "yes"}, follow=True)
    assert "Đã hủy bản nháp phiên bản 3" in response.content.decode()
    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()


def test_apply_button_leads_to_activation_which_refuses_a_draft_with_problems(people, draft):
    client = client_for(people.admin)
    funding = draft.transitions.get(source="eligibility_review", action="approve")
    client.post(page_url(draft), {"op": "transition_delete", "transition": funding.pk, "revision": 0})
    page = client.get(page_url(draft)).content.decode()
    assert "Vấn đề: " in page and "không thể đến được từ trạng thái đầu" in page
    assert 'id="wfb-activate"' in page
    from housing_campaign.workflow.builder import activation_url

    url = activation_url(draft)
    assert f'href="{url}"' in page  # "Áp dụng…" opens the activation page, which checks with raise_if_invalid
    for mode in ("province", "pilot"):
        response = client.post(url, {"op": "confirm", "mode": mode, "units": ["23344"]})
        assert "không thể đến được từ trạng thái đầu" in response.content.decode()
    assert not draft.pilots.exists()
    draft.refresh_from_db()
    assert not draft.is_active


# ---------------------------------------------------------------------------- condition check, export, diagram
def test_condition_check_and_try_on_a_case_in_territory(people, campaign, draft):
    client = client_for(people.admin)
    check = reverse("admin:workflow_builder_check", args=[draft.pk])
    assert client.get(check, {"condition": "persons >="}).json()["problems"][0].startswith(
        "Điều kiện không đúng cú pháp")
    assert client.get(check, {"condition": "ghost > 1"}).json()["problems"] == [
        "Điều kiện dùng tên không tồn tại: ghost"]
    case = new_case(people, campaign, persons=4)
    answer = client.get(check, {"condition": "persons >= 4", "document": case.code}).json()
    assert answer["problems"] == [] and answer["try"]["ok"] and answer["try"]["value"] is True
    assert client.get(check, {"condition": "persons >= 5", "document": case.code}).json()["try"]["value"] is False
    # Outside the user's territory a case is not found (the province administrator would see it):
    far = new_case(people, campaign, commune_code=OTHER)
    local = make_user("quantri_xa", "administrator", "23344", staff=True)
    answer = client_for(local).get(check, {"condition": "persons >= 1", "document": far.code}).json()
    assert answer["try"] == {"ok": False, "message": f"Không tìm thấy hồ sơ “{far.code}” trong địa bàn của bạn.",
                             "value": None, "document": ""}
    # Without JavaScript, "Thử" posts the form and the page answers, keeping what was typed.
    t = draft.transitions.get(source="eligibility_review", action="approve")
    page = client.post(page_url(draft), transition_post(t, op="try_condition", condition="persons >= 4",
                                                       try_document=case.code, label_vi="Chưa lưu")).content.decode()
    assert "điều kiện <b>ĐẠT</b>" in page and 'value="Chưa lưu"' in page
    assert draft.transitions.get(pk=t.pk).label_vi == "Duyệt đủ điều kiện"


def test_yaml_export_is_the_canonical_definition(people, draft):
    response = client_for(people.admin).get(reverse("admin:workflow_builder_export", args=[draft.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="housing_case-v3.yaml"'
    text = response.content.decode()
    assert text == definitions.canonical_yaml(definitions.definition_to_dict(draft))
    assert definitions.parse_yaml(text)["version"] == 3


def svg_text(page: str) -> str:
    """The words drawn in the page's diagram (a long label is wrapped over several <text> lines)."""
    import html

    start = page.index('id="wfb-svg"')
    svg = page[start:page.index("</svg>", start)]
    return " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_diagram_has_every_state_and_a_link_on_every_element(people, draft):
    page = client_for(people.admin).get(page_url(draft)).content.decode()
    start = page.index('id="wfb-svg"')
    svg = page[start:page.index("</svg>", start)]
    words = svg_text(page)
    for s in draft.states.all():
        assert s.label_vi in words
        assert f'id="state&#45;{s.pk}"' in svg
        assert f'xlink:href="{page_url(draft, state=s.pk)}"' in svg
    for t in draft.transitions.all():
        assert f'xlink:href="{page_url(draft, transition=t.pk)}"' in svg
    assert "Graphviz" not in page.split("<svg")[0].split("wfb-toolbar")[-1]  # no fallback note


def test_labels_are_escaped_in_the_diagram(people, draft):
    s = draft.states.get(code="survey")
    response = client_for(people.admin).post(page_url(draft), state_post(s, label_vi='<script>x</script> "q" & \\'))
    assert response.status_code == 302
    page = client_for(people.admin).get(page_url(draft)).content.decode()
    assert "<script>x</script>" not in page
    assert '<script>x</script> "q" & \\' in svg_text(page)  # drawn as text, never as markup


def test_without_graphviz_the_simple_drawing_is_shown_with_a_note(people, draft, monkeypatch):
    from housing_campaign.workflow import diagram

    diagram.render_svg.cache_clear()
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    page = client_for(people.admin).get(page_url(draft)).content.decode()
    assert "chưa cài Graphviz" in page and "<svg" in page and "Đang rà soát" in page
    diagram.render_svg.cache_clear()


def test_the_table_page_and_the_builder_share_the_draft_revision(people, draft):
    from tests.workflow.admin_forms import change_form_data, encode

    client = client_for(people.admin)
    url = reverse("admin:workflow_workflowdefinition_change", args=[draft.pk])
    data, formsets = change_form_data(client.get(url))  # the table page opened at revision 0
    s = draft.states.get(code="survey")
    assert client.post(page_url(draft), state_post(s, label_vi="Rà soát hộ")).status_code == 302  # the builder saves
    before = snapshot(draft)
    formsets["states"]["rows"][0]["label_vi"] = "Sửa trên trang bảng"
    response = client.post(url, encode(data, formsets))
    page = response.content.decode()
    assert response.status_code == 200 and "Bản nháp vừa được Admin_Kt sửa lúc" in page
    assert 'value="Sửa trên trang bảng"' in page
    assert snapshot(draft) == before
    data["revision"] = 1  # reopened: saving now is a revision of its own
    assert client.post(url, encode(data, formsets)).status_code == 302
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.states.get(code="survey").label_vi == "Sửa trên trang bảng"
