"""``python manage.py recount_aggregates [--check]``: rebuild the aggregates dashboards and reports read from
the cases and the event log (after a restore, a data fix made outside the services, or to be sure), or with
``--check`` only say whether they agree with a recount (exit code 1 when they do not)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from housing_campaign.reports import aggregates


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp của báo cáo từ hồ sơ và nhật ký (hoặc --check: chỉ kiểm tra)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="chỉ so sánh, không ghi")

    def handle(self, *args, check=False, **options):
        if check:
            diff = aggregates.differences()
            wrong = {k: len(v) for k, v in diff.items() if v}
            if wrong:
                raise CommandError("Số liệu tổng hợp khác với số đếm lại: " + ", ".join(
                    f"{k} {n}" for k, n in wrong.items()) + ". Chạy “manage.py recount_aggregates” để tính lại.")
            self.stdout.write("Số liệu tổng hợp khớp với số đếm lại từ hồ sơ và nhật ký.")
            return
        written = aggregates.recount()
        self.stdout.write(f"Đã tính lại: {written['states']} dòng theo trạng thái, {written['milestones']} mốc, "
                          f"{written['days']} dòng theo ngày.")
