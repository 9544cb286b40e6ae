"""A real HTTP receiver on this machine (http.server on an ephemeral loopback port, in a thread) and helpers that
run the after-commit jobs on the test's thread (its data is not committed, so no other thread could see it)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers with the statuses in ``script`` one after the other, then ``default``; records every request."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0  # seconds to wait before answering
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body, time.time()))
            status = state.answer()
            if state.delay:
                time.sleep(state.delay)
            reply = json.dumps({"ok": 200 <= status < 300}).encode()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (the timeout test) breaks the pipe: expected, not worth a trace

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hc-events"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def run_here(monkeypatch):
    """Jobs queued after commit (the dispatch, the deliveries' background thread) run on this thread, now."""
    from housing_campaign.core import jobs

    monkeypatch.setattr(jobs, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))


@pytest.fixture
def root(reference_data):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)


def new_webhook(user, url, *, doctypes=("housing_case",), events=("transition",), actions=(), name="Sở Xây dựng"):
    from housing_campaign.webhooks.services import webhook_create

    return webhook_create(actor_user=user, data={"name": name, "url": url, "doctypes": list(doctypes),
                                                 "events": list(events), "actions": list(actions), "is_active": True})
