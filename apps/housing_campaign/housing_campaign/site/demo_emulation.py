"""Demo of the emulation movement (issue 15), walked through the real services where a person would act:
participants for the demo province (the People's Committees of the demo communes and of huyện Đắk Glei, the
Sở Xây dựng, the provincial Front and mass organisations, the demo donors linked to their rows of the
contributions ledger, households of Xã Đăk Blô that put their own labour into their house, officials linked to
demo accounts), their registrations with plans and reports against the plan's deadlines (one unit reporting
late; Xã Đăk Blô not registered yet: ``canboxa`` registers it and uploads its plan, the demo's path), and
initiatives.

Participants are found or created with ``get_or_create`` on (campaign, kind, name, unit), as the demo's
nominations do (``site.demo._nominations``), so that neither duplicates the other; a found one gets its link
to the records if it has none. Dates are laid out from the plan's deadlines, never after the day of seeding."""
from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from housing_campaign.campaigns.models import Campaign
from housing_campaign.commendations.documents import committee_name
from housing_campaign.contributions import services as contributions
from housing_campaign.contributions.models import Donor
from housing_campaign.emulation import services as emulation
from housing_campaign.emulation.models import Participant, ReportingDeadline
from housing_campaign.geography.models import AdminUnit

LATE_COMMUNE = "23311"  # Xã Đăk Cấm: its 2024 report reached the office late, its final report is missing
UNREGISTERED = "23344"  # Xã Đăk Blô: the demo's path (canboxa registers it)
PLAN_HTML = """<div style="text-align:center"><b>{body_name}</b><br>Số: {number}</div>
<p style="text-align:right"><i>{place}, ngày {day}</i></p>
<h3 style="text-align:center">KẾ HOẠCH<br>Thực hiện phong trào thi đua “Chung tay xóa nhà tạm, nhà dột nát”</h3>
<p>Căn cứ Kế hoạch của Ủy ban nhân dân tỉnh Kon Tum ngày 22/7/2024, {body_name_lower} ban hành kế hoạch thực hiện
phong trào thi đua trên địa bàn với mục tiêu xóa 100% nhà tạm, nhà dột nát trong năm 2025.</p>
<p><i>(Văn bản minh họa của dữ liệu mẫu.)</i></p>"""
# name, kind, unit code, position / workplace
UNITS = [
    ("Sở Xây dựng tỉnh Kon Tum", Participant.Kind.DEPARTMENT, "62"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Kon Tum", Participant.Kind.FRONT_ORGANISATION, "62"),
]
# Demo donors (site/demo_money.py) -> the participant they are (kind, name when it differs, where).
DONOR_PARTICIPANTS = {
    "Hội Chữ thập đỏ tỉnh": (Participant.Kind.FRONT_ORGANISATION, "Hội Chữ thập đỏ tỉnh Kon Tum", "62"),
    "Đoàn Thanh niên tỉnh": (Participant.Kind.FRONT_ORGANISATION, "Tỉnh Đoàn Kon Tum", "62"),
    "Bộ Chỉ huy Quân sự tỉnh": (Participant.Kind.ORGANISATION, None, "62"),
    "Gia đình ông A Sớ": (Participant.Kind.HOUSEHOLD, None, UNREGISTERED),
}
OFFICIALS = [  # username, position, workplace unit code
    ("canboxa", "Công chức Văn hóa - Xã hội", UNREGISTERED),
    ("chutichxa2", "Chủ tịch Ủy ban nhân dân xã", "23347"),
    ("thamdinh", "Chuyên viên Phòng Lao động - Thương binh và Xã hội", "610"),
    ("thamdinh_tinh", "Chuyên viên Sở Xây dựng", "62"),
]


def seed_emulation(*, campaign: Campaign, communes: list[AdminUnit], users: dict, actor, today: dt.date | None = None,
                   stdout=None) -> dict:
    """Seed the movement's demo; returns counts. ``actor``: the demo's cached actor_for."""
    today = today or timezone.localdate()
    rng = random.Random(20240722 + 15)
    office = actor(users["thiduakt"])
    units = {u.code: u for u in AdminUnit.objects.filter(system="legacy", code__in=["62", "610"])}
    units.update({c.code: c for c in communes})
    plan_pdf = _plan_pdf()
    deadlines = list(ReportingDeadline.objects.filter(campaign=campaign, is_active=True).order_by("due_on"))

    def participant(kind, name, unit, **links):
        found, created = Participant.objects.get_or_create(
            campaign=campaign, kind=kind, name=name, unit=unit,
            defaults={"group": Participant.KIND_GROUPS[kind], "unit_path": emulation.unit_paths(unit)[0],
                      "unit_2025_path": emulation.unit_paths(unit)[1], "created_by": users["thiduakt"], **links})
        missing = {k: v for k, v in links.items() if getattr(found, f"{k}_id") is None}
        if not created and missing:
            for key, value in missing.items():
                setattr(found, key, value)
            found.save(update_fields=list(missing))
        return found

    committees = [participant(Participant.Kind.PEOPLES_COMMITTEE, committee_name(c), c)
                  for c in sorted(communes, key=lambda c: c.code)]
    district = participant(Participant.Kind.PEOPLES_COMMITTEE, committee_name(units["610"]), units["610"])
    bodies = [participant(kind, name, units[code]) for name, kind, code in UNITS]
    donors = {d.name: d for d in Donor.objects.filter(name__in=[*DONOR_PARTICIPANTS, "Công ty Thủy điện Thượng Kon Tum",
                                                                 "Tập đoàn Viễn thông Quân đội",
                                                                 "Ngân hàng TMCP Công Thương",
                                                                 "Công ty CP Cao su Kon Tum", "Ông Nguyễn Văn Minh",
                                                                 "Bà Trần Thị Thu"])}
    givers = []
    for donor in donors.values():
        kind, name, code = DONOR_PARTICIPANTS.get(donor.name, (None, None, "62"))
        kind = kind or {"business": Participant.Kind.BUSINESS, "organisation": Participant.Kind.ORGANISATION,
                        "individual": Participant.Kind.PERSON}[donor.kind]
        givers.append(participant(kind, name or donor.name, units[code], donor=donor))
    households = _households(campaign, units[UNREGISTERED], users, actor, participant, rng, today)
    officials = []
    for username, position, code in OFFICIALS:
        user = users.get(username)
        if user is None:
            continue
        workplace = committee_name(units[code]) if units[code].level != AdminUnit.Level.PROVINCE else \
            "Sở Xây dựng tỉnh Kon Tum"
        found = participant(Participant.Kind.OFFICIAL, emulation.person_name(user), units[code], user=user)
        if not found.position:
            Participant.objects.filter(pk=found.pk).update(position=position, workplace=workplace)
        officials.append(found)

    # Registrations, plans and reports: through the services, as the office (and Đăk Man's own officer).
    registered = 0
    for n, unit in enumerate([*committees, district, *bodies,
                              *[g for g in givers if g.kind == Participant.Kind.FRONT_ORGANISATION]]):
        if unit.unit.code == UNREGISTERED and unit.kind == Participant.Kind.PEOPLES_COMMITTEE:
            continue
        who = actor(users["canboxa2"]) if unit.unit.code == "23347" else office
        _register(unit, who, deadlines, plan_pdf, today, late=unit.unit.code == LATE_COMMUNE, offset=n % 9)
        registered += 1
    ideas = _initiatives(bodies[0], officials, district, office, today)
    counts = {"participants": Participant.objects.filter(campaign=campaign).count(), "registered": registered,
              "households": len(households), "initiatives": ideas}
    if stdout:
        stdout.write("Phong trào thi đua: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "\n")
    return counts


def _plan_pdf() -> bytes:
    """One small plan document (rendered once, reused by every unit of the demo)."""
    from housing_campaign.printing.pdf import document_html, html_to_pdf

    body = PLAN_HTML.format(body_name="ỦY BAN NHÂN DÂN", body_name_lower="Ủy ban nhân dân", number="……/KH-UBND",
                            place="Kon Tum", day="…… tháng 8 năm 2024")
    return html_to_pdf(document_html(body, "", title="Kế hoạch"))


def _day(value: dt.date, today: dt.date) -> str:
    return min(value, today).strftime("%d/%m/%Y")


def _register(unit: Participant, actor, deadlines, plan_pdf: bytes, today: dt.date, *, late: bool, offset: int):
    """Registration with the plan, then each report due by today: sent a few days before its deadline (the late
    unit: its interim report 11 days after, its final report not at all)."""
    campaign = unit.campaign
    plan = next((d for d in deadlines if d.kind == ReportingDeadline.Kind.PLAN), None)
    registered_on = campaign.starts_on + dt.timedelta(days=10 + offset)
    if registered_on > today:
        return
    symbol = "KH-UBND" if unit.kind == Participant.Kind.PEOPLES_COMMITTEE else "KH"
    plan_day = min(registered_on, plan.due_on - dt.timedelta(days=2)) if plan else registered_on
    emulation.registration_save(actor=actor, participant_id=unit.pk, data={
        "registered_on": _day(registered_on, today), "houses_target": str(12 + offset * 3) if unit.unit.level ==
        AdminUnit.Level.COMMUNE else "", "money_target": f"{(2 + offset) * 50_000_000}",
        "commitments": "Hoàn thành xóa nhà tạm, nhà dột nát trên địa bàn trước 31/8/2025; công khai danh sách, "
                       "trả lời kịp thời phản ánh của người dân.",
        "plan_number": f"{30 + offset}/{symbol}", "plan_date": _day(plan_day, today),
        "plan_submitted_on": _day(registered_on, today)},
        plan_file=SimpleUploadedFile("ke-hoach.pdf", plan_pdf, content_type="application/pdf"))
    for deadline in deadlines:
        if deadline.kind == ReportingDeadline.Kind.PLAN or deadline.due_on >= today:
            continue
        if unit.group not in (deadline.groups or []):
            continue
        if late and deadline.kind == ReportingDeadline.Kind.FINAL:
            continue
        sent = deadline.due_on + dt.timedelta(days=11) if late else deadline.due_on - dt.timedelta(days=1 + offset)
        symbol = "BC-UBND" if unit.kind == Participant.Kind.PEOPLES_COMMITTEE else "BC"
        emulation.submission_save(actor=actor, participant_id=unit.pk, deadline_id=deadline.pk, data={
            "document_number": f"{100 + offset}/{symbol}", "document_date": _day(sent - dt.timedelta(days=1), today),
            "submitted_on": _day(sent, today)},
            file=SimpleUploadedFile("bao-cao.pdf", plan_pdf, content_type="application/pdf"))


def _households(campaign, home: AdminUnit, users, actor, participant, rng, today) -> list[Participant]:
    """Households of Xã Đăk Blô building their own house: the Front records their own workdays and cash as their
    own share (receipts earmarked to their case), and each is a participant of group d."""
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.funding.selectors import ALLOCATABLE_STAGES

    front = actor(users["mattran"])
    cases = list(HousingCase.objects.filter(campaign=campaign, commune=home, stage__in=ALLOCATABLE_STAGES)
                 .select_related("household").order_by("pk")[:4])
    found = []
    for n, case in enumerate(cases):
        household = case.household
        donor = contributions.donor_create(actor=front, data={
            "kind": "household", "name": f"Hộ {household.head_name}",
            "contact": case.village.name if case.village_id else ""})
        day = today - dt.timedelta(days=20 + 7 * n)
        contributions.contribution_receive(actor=front, data={
            "donor": donor.pk, "kind": "workdays", "quantity": str(60 - 12 * n), "value_per_day": 250_000,
            "earmark": "case", "case": case.code, "own_share": True, "received_on": day,
            "description": "Hộ tự làm: đào móng, vận chuyển vật liệu, phụ hồ"})
        if n % 2 == 0:
            contributions.contribution_receive(actor=front, data={
                "donor": donor.pk, "kind": "cash", "amount": rng.choice([5, 8, 10]) * 1_000_000, "earmark": "case",
                "case": case.code, "own_share": True, "received_on": day, "description": "Tiền tiết kiệm của hộ"})
        found.append(participant(Participant.Kind.HOUSEHOLD, f"Hộ {household.head_name}", home, household=household,
                                 donor=donor))
    return found


def _initiatives(department: Participant, officials: list[Participant], district: Participant, office, today) -> int:
    start = department.campaign.starts_on
    items = [
        (department, "Bộ thiết kế mẫu nhà “3 cứng” 36 m² theo kiến trúc nhà sàn của đồng bào Xơ Đăng",
         start + dt.timedelta(days=40), "Ba mẫu nhà sàn bê tông hóa, dự toán dưới 60 triệu đồng, dùng cho các xã "
         "vùng cao; giảm 15% chi phí vật liệu nhờ dùng gỗ tận dụng cho sàn.",
         ("Ủy ban nhân dân tỉnh Kon Tum", "2150/QĐ-UBND", start + dt.timedelta(days=75))),
        (officials[0] if officials else district, "Theo dõi tiến độ từng nhà bằng ảnh có tọa độ chụp từ điện thoại",
         start + dt.timedelta(days=120), "Cán bộ xã chụp ảnh từng giai đoạn thi công, ảnh mang thời gian và tọa độ, "
         "thay biên bản giấy khi kiểm tra tạm ứng.",
         ("Ủy ban nhân dân huyện Đắk Glei", "318/QĐ-UBND", start + dt.timedelta(days=150))),
        (district, "Tổ thợ xây thanh niên tình nguyện giúp các hộ neo đơn", start + dt.timedelta(days=200),
         "Huyện điều phối đoàn viên thanh niên hỗ trợ ngày công cho các hộ không có lao động.", None),
    ]
    made = 0
    for author, title, day, description, adopted in items:
        if day > today or author.initiatives.filter(title=title).exists():
            continue
        data = {"title": title, "proposed_on": day.strftime("%d/%m/%Y"), "description": description}
        if adopted and adopted[2] <= today:
            data.update(adopted_by=adopted[0], adoption_reference=adopted[1],
                        adopted_on=adopted[2].strftime("%d/%m/%Y"))
        emulation.initiative_create(actor=office, author_id=author.pk, data=data)
        made += 1
    return made
