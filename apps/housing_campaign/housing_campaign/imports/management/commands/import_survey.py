"""python manage.py import_survey FILE --campaign CODE [--round N] [--as USERNAME] [--dry-run] [--good-rows-only]
[--mapping NAME] [--report OUT.xlsx]

Exit status: 0 no row refused; 3 some rows refused (nothing written unless --good-rows-only); 2 the file
cannot be read at all (one line says why). Scripts rely on this interface: keep it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.errors import ServiceError
from housing_campaign.imports import services
from housing_campaign.imports.models import ImportKind, ImportTemplate
from housing_campaign.imports.readers import ReadError

EXIT_REFUSED = 3
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Nhập danh sách rà soát (hộ và hồ sơ) từ tệp Excel/ODS/CSV vào một chương trình."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", required=True, help="mã chương trình, ví dụ kt2425")
        parser.add_argument("--round", type=int, default=None, help="số đợt rà soát (mặc định: đợt mới nhất)")
        parser.add_argument("--as", dest="username", default=None, help="người nhập (mặc định: quản trị tối cao)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--good-rows-only", action="store_true",
                            help="nhập các dòng hợp lệ dù có dòng bị từ chối")
        parser.add_argument("--mapping", default=None, help="tên mẫu ghép cột đã lưu")
        parser.add_argument("--report", default=None, help="ghi báo cáo từng dòng ra tệp .xlsx")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(code=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Không có chương trình mã “{options['campaign']}”.")
        rounds = campaign.rounds.order_by("-number")
        survey_round = rounds.filter(number=options["round"]).first() if options["round"] else rounds.first()
        if survey_round is None:
            raise CommandError(f"Chương trình {campaign.code} không có đợt rà soát {options['round'] or ''}.".strip())
        users = get_user_model().objects.filter(is_active=True)
        user = (users.filter(username=options["username"]).first() if options["username"]
                else users.filter(is_superuser=True).order_by("id").first())
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username'] or 'quản trị tối cao'}”.")
        mapping = {}
        if options["mapping"]:
            template = ImportTemplate.objects.filter(kind=ImportKind.SURVEY, name=options["mapping"]).first()
            if template is None:
                raise CommandError(f"Không có mẫu ghép cột “{options['mapping']}”.")
            mapping = template.mapping
        path = Path(options["file"])
        if not path.is_file():
            self._unreadable(f"Không có tệp {path}.")
        try:
            outcome = services.survey_import(
                actor=actor_for(user), campaign=campaign, survey_round=survey_round, path=path, file_name=path.name,
                mapping=mapping, dry_run=options["dry_run"], good_rows_only=options["good_rows_only"],
                report=options["report"])
        except ReadError as exc:
            self._unreadable(exc.message)
        except ServiceError as exc:
            raise CommandError(exc.message)
        for row in outcome.refused:
            self.stdout.write(row.line())
        self.stdout.write(outcome.summary())
        if options["report"]:
            self.stdout.write(f"Báo cáo từng dòng: {options['report']}")
        if outcome.refused:
            sys.exit(EXIT_REFUSED)

    def _unreadable(self, message: str):
        self.stderr.write(f"Không đọc được tệp: {message}")
        sys.exit(EXIT_UNREADABLE)
