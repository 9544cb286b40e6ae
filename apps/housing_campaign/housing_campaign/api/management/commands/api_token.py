"""manage.py api_token create USERNAME [--read-only] [--label TEXT] [--days N]: prints the token alone on stdout
(scripts rely on it). Also ``list USERNAME`` and ``revoke USERNAME PREFIX``."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from housing_campaign.api.selectors import tokens_of
from housing_campaign.api.services import DEFAULT_DAYS, token_create, token_revoke
from housing_campaign.core.errors import ServiceError


class Command(BaseCommand):
    help = "Tạo, liệt kê, thu hồi khóa API cá nhân (khóa chỉ hiện một lần, khi tạo)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="Tạo khóa; in riêng khóa ra stdout.")
        create.add_argument("username")
        create.add_argument("--read-only", action="store_true", help="Khóa chỉ đọc.")
        create.add_argument("--label", default="", help="Tên gợi nhớ (mặc định: “Tạo bằng lệnh”).")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Số ngày hiệu lực (1–366).")
        listing = sub.add_parser("list", help="Liệt kê khóa của một người dùng.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Thu hồi một khóa theo tiền tố.")
        revoke.add_argument("username")
        revoke.add_argument("prefix")

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        return user

    def handle(self, *args, **options):
        user = self._user(options["username"])
        op = options["op"]
        try:
            if op == "create":
                _, token = token_create(user=user, label=options["label"] or "Tạo bằng lệnh manage.py",
                                        days=options["days"], read_only=options["read_only"])
                self.stdout.write(token)
            elif op == "list":
                now = timezone.now()
                for t in tokens_of(user):
                    status = "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "active")
                    self.stdout.write(f"hc_{t.prefix}_…\t{status}\t{'read-only' if t.read_only else 'read-write'}\t"
                                      f"{timezone.localtime(t.expires_at):%d/%m/%Y}\t{t.label}")
            else:
                row = tokens_of(user).filter(prefix=options["prefix"].removeprefix("hc_").split("_")[0]).first()
                if row is None:
                    raise CommandError("Không tìm thấy khóa có tiền tố này.")
                token_revoke(user=user, token_id=row.pk)
                self.stderr.write(f"Đã thu hồi khóa hc_{row.prefix}_…")
        except ServiceError as exc:
            raise CommandError(exc.message) from None
