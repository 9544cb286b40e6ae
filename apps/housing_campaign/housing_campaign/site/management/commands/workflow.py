from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from housing_campaign.core.errors import ServiceError
from housing_campaign.workflow import definitions


class Command(BaseCommand):
    help = "Export or validate workflow definitions: `workflow export housing_case [--version N] [--write]`."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["export", "validate"])
        parser.add_argument("target", help="document type (export) or YAML file (validate)")
        parser.add_argument("--def-version", dest="def_version", type=int, default=None)
        parser.add_argument("--write", action="store_true", help="write to workflows/<doctype>.yaml")

    def handle(self, *args, verb, target, def_version, write, **options):
        if verb == "validate":
            data = definitions.parse_yaml(Path(target).read_text(encoding="utf-8"))
            problems = definitions.definition_problems(data)
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write("Hợp lệ.")
            return
        try:
            text = definitions.definition_export(doctype=target, version=def_version)
        except (ServiceError, Exception) as exc:  # noqa: BLE001
            raise CommandError(f"Không xuất được quy trình {target}: {exc}") from None
        if write:
            path = definitions.workflows_dir() / f"{target}.yaml"
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã ghi {path}")
        else:
            self.stdout.write(text, ending="")
