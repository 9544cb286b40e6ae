"""manage.py webhook create USERNAME --url URL [--doctype D ...] [--event E ...] [--action A ...] [--name TEXT]:
creates a webhook owned by USERNAME (an administrator or a superuser) through the same service and checks as the
admin form (address checks included), and prints its secret alone on stdout (shown once, as in the admin).
Also ``list USERNAME`` and ``disable USERNAME ID``."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from housing_campaign.core.errors import ServiceError
from housing_campaign.webhooks.selectors import webhooks_visible
from housing_campaign.webhooks.services import webhook_create, webhook_get_for_manager, webhook_update


class Command(BaseCommand):
    help = "Tạo, liệt kê, tắt webhook (mã bí mật chỉ in một lần, khi tạo)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        create = sub.add_parser("create", help="Tạo webhook; in riêng mã bí mật ra stdout.")
        create.add_argument("username")
        create.add_argument("--url", required=True)
        create.add_argument("--name", default="")
        create.add_argument("--doctype", action="append", default=[], help="Loại hồ sơ (lặp lại được).")
        create.add_argument("--event", action="append", default=[], help="Sự kiện (lặp lại được).")
        create.add_argument("--action", action="append", default=[], help="Chỉ các thao tác này (lặp lại được).")
        listing = sub.add_parser("list", help="Liệt kê webhook người dùng quản lý.")
        listing.add_argument("username")
        disable = sub.add_parser("disable", help="Tắt một webhook.")
        disable.add_argument("username")
        disable.add_argument("id", type=int)

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['username']}”.")
        try:
            if options["op"] == "create":
                webhook, secret = webhook_create(actor_user=user, data={
                    "name": options["name"] or f"Webhook {options['url']}", "url": options["url"],
                    "doctypes": options["doctype"] or ["housing_case"], "events": options["event"] or ["transition"],
                    "actions": options["action"]})
                self.stderr.write(f"Đã tạo webhook #{webhook.pk} “{webhook.name}”.")
                self.stdout.write(secret)
            elif options["op"] == "list":
                for w in webhooks_visible(user).order_by("id"):
                    self.stdout.write(f"{w.pk}\t{'on' if w.is_active else 'off'}\t{w.url}\t{','.join(w.doctypes)}\t"
                                      f"{','.join(w.events)}\t{w.name}")
            else:
                webhook = webhook_get_for_manager(actor_user=user, webhook_id=options["id"])
                webhook_update(actor_user=user, webhook_id=webhook.pk, data={
                    "name": webhook.name, "url": webhook.url, "doctypes": webhook.doctypes, "events": webhook.events,
                    "actions": webhook.actions, "is_active": False})
                self.stderr.write(f"Đã tắt webhook #{webhook.pk}.")
        except ServiceError as exc:
            raise CommandError(exc.message) from None
