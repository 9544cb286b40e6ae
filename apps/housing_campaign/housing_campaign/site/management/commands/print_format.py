from django.core.management.base import BaseCommand, CommandError

from housing_campaign.printing import formats_io
from housing_campaign.printing.models import PrintFormat
from housing_campaign.printing.services import print_format_export


class Command(BaseCommand):
    help = "Export print formats: `print_format export <code>|--all [--write]`."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["export"])
        parser.add_argument("code", nargs="?")
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--write", action="store_true")

    def handle(self, *args, verb, code, all, write, **options):
        codes = list(PrintFormat.objects.values_list("code", flat=True)) if all else [code]
        if not codes or codes == [None]:
            raise CommandError("Cho biết mã mẫu in hoặc --all.")
        for c in codes:
            if not PrintFormat.objects.filter(code=c).exists():
                raise CommandError(f"Không có mẫu in “{c}”.")
            text = print_format_export(code=c)
            if write:
                path = formats_io.formats_dir() / f"{c}.html"
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"Đã ghi {path}")
            else:
                self.stdout.write(text, ending="")
