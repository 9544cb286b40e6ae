from django.core.management.base import BaseCommand

from housing_campaign.site import demo


class Command(BaseCommand):
    help = "Seed the deterministic Kon Tum demo data (only into an empty site)."

    def handle(self, *args, **options):
        if demo.demo_exists():
            self.stdout.write("Dữ liệu mẫu đã có; bỏ qua.")
            return
        demo.seed_demo(stdout=self.stdout)
