import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from housing_campaign.site import demo
from housing_campaign.site.sync import sync_all


class Command(BaseCommand):
    help = "Migrate the site, sync reference data and (with --demo) seed demo data into an empty site."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, demo: bool = False, **options):
        started = time.monotonic()
        site = settings.SITE_CONFIG
        site.folder.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        sync_all()
        seeded = False
        if demo and not demo_exists():
            self.stdout.write("Đang tạo dữ liệu mẫu (lần đầu, khoảng 30 giây)…")
            demo_module.seed_demo(stdout=self.stdout)
            seeded = True
        elif demo:
            demo_module.seed_signers()  # a demo seeded before the signers of issuing bodies existed
        self.stdout.write(f"Site “{site.name}” sẵn sàng sau {time.monotonic() - started:.1f} s"
                          f"{' (đã tạo dữ liệu mẫu)' if seeded else ''}.")
        self.stdout.write(self.summary(site))
        if demo:
            from housing_campaign.geography.models import AdminUnit

            serve_url = os.environ.get("SERVE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"
            self.stdout.write(f"\nMở {serve_url} và đăng nhập bằng một tài khoản mẫu "
                              f"(mật khẩu chung: {demo_module.DEMO_PASSWORD}):")
            names = {u.code: u.name for u in AdminUnit.objects.filter(
                system="legacy", code__in={unit[1] for *_, unit, _staff in demo_module.USERS})}
            for username, name, role, unit, _staff in demo_module.USERS:
                self.stdout.write(f"  {username:<14} {role:<18} {name} – {names.get(unit[1], unit[1])}")
            self.stdout.write("  canboxa_moi    commune_officer    xã mới (từ 01/07/2025) của Đăk Blô")
            self.stdout.write("  admin          quản trị tối cao (superuser)\n")

    @staticmethod
    def summary(site) -> str:
        """What is served: the address, the base URL printed in QR codes, the site and its database."""
        from housing_campaign.core.checks import base_url_is_loopback

        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            database = f"SQLite {db['NAME']}"
        else:
            database = f"PostgreSQL {db.get('NAME')} tại {db.get('HOST') or 'socket'}:{db.get('PORT') or 5432}"
        lines = []
        if os.environ.get("SERVE_URL"):
            lines.append(f"  Địa chỉ phục vụ:       {os.environ['SERVE_URL']}")
        lines += [f"  Địa chỉ trong mã QR:   {settings.SITE_BASE_URL}/verify/…",
                  f"  Site:                  {site.name} ({site.folder})",
                  f"  Cơ sở dữ liệu:         {database}",
                  f"  Chế độ debug:          {'BẬT (chỉ dùng khi phát triển)' if settings.DEBUG else 'tắt'}"]
        if base_url_is_loopback():
            lines.append("  Lưu ý: mã QR trỏ tới địa chỉ nội bộ của máy này, điện thoại khác không mở được; "
                         "đặt BASE_URL=http(s)://<địa chỉ công khai> để in giấy chứng nhận thật.")
        return "\n".join(lines)


demo_module = demo
demo_exists = demo.demo_exists
