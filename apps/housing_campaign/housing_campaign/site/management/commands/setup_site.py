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
        self.stdout.write(f"Site “{site.name}” sẵn sàng sau {time.monotonic() - started:.1f} s"
                          f"{' (đã tạo dữ liệu mẫu)' if seeded else ''}.")
        if demo:
            from housing_campaign.geography.models import AdminUnit

            port = os.environ.get("PORT", "8000")
            self.stdout.write(f"\nMở http://127.0.0.1:{port}/ và đăng nhập bằng một tài khoản mẫu "
                              f"(mật khẩu chung: {demo_module.DEMO_PASSWORD}):")
            names = {u.code: u.name for u in AdminUnit.objects.filter(
                system="legacy", code__in={unit[1] for *_, unit, _staff in demo_module.USERS})}
            for username, name, role, unit, _staff in demo_module.USERS:
                self.stdout.write(f"  {username:<14} {role:<18} {name} – {names.get(unit[1], unit[1])}")
            self.stdout.write("  canboxa_moi    commune_officer    xã mới (từ 01/07/2025) của Đăk Blô")
            self.stdout.write("  admin          quản trị tối cao (superuser)\n")


demo_module = demo
demo_exists = demo.demo_exists
