from django.core.management.base import BaseCommand

from housing_campaign.site.sync import sync_all


class Command(BaseCommand):
    help = "Load reference data from fixtures/, workflows/ and print_formats/ (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write("Đồng bộ dữ liệu tham chiếu:")
        sync_all(stdout=self.stdout)
