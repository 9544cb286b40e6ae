#!/usr/bin/env python3
"""A webhook receiver for trying the product's webhooks by hand (standard library only: copy it anywhere).

    python3 webhook_receiver.py --port 9000 --secret whsec_...        (or WEBHOOK_SECRET=whsec_... in the environment)

It listens on 127.0.0.1:<port> (``--host`` to change), checks every delivery's ``X-HC-Signature`` header
(``t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``) with the secret and refuses a timestamp outside the replay
window (``--tolerance``, 300 s), answers 200 to a good delivery and 400 to a bad one, and prints one line per
delivery, e.g.::

    OK signature t=1764571200 event=transition doc=housing_case KT2425-000012 action=approve \
        eligibility_review->funding actor=thamdinh at=2025-12-01T13:40:00+07:00 id=5b0c...
    (one line; cut here to fit)
    REFUSED signature does not match (event=transition id=5b0c...)
    DUPLICATE id=5b0c... (already received: answered 200, not processed again)

``--count N`` stops after N good deliveries (for scripts). Exit code 0; 2 for bad arguments.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_BODY = 1024 * 1024


def verify_signature(*, secret: str, body: bytes, header: str, tolerance: int = 300, now: float | None = None) -> int:
    """The same check as housing_campaign/webhooks/signing.py: returns the timestamp or raises ValueError."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise ValueError("X-HC-Signature header missing or malformed")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise ValueError(f"timestamp {timestamp} is outside the replay window of {tolerance} s")
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise ValueError("signature does not match")
    return timestamp


def describe(event: dict) -> str:
    document = event.get("document") or {}
    parts = [f"event={event.get('event')}"]
    if document:
        parts.append(f"doc={event.get('doctype')} {document.get('code') or document.get('id')}")
    if event.get("action"):
        parts.append(f"action={event['action']} {event.get('from_state')}->{event.get('to_state')}")
    elif event.get("to_state"):
        parts.append(f"state={event['to_state']}")
    if event.get("changed_fields"):
        parts.append("changed=" + ",".join(event["changed_fields"]))
    if event.get("certificate"):
        parts.append(f"certificate={event['certificate'].get('code')} number={event['certificate'].get('number')}")
    parts += [f"actor={event.get('actor')}", f"at={event.get('at')}", f"id={event.get('id')}"]
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Receive and verify the product's signed webhooks.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", default=os.environ.get("WEBHOOK_SECRET", ""))
    parser.add_argument("--tolerance", type=int, default=300, help="replay window in seconds (default 300)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many good deliveries")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("give the webhook's secret with --secret or WEBHOOK_SECRET")
    seen: set[str] = set()
    good = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, text: str) -> None:
            body = json.dumps({"ok": status == 200, "message": text}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                print(f"REFUSED body of {length} bytes is too large", flush=True)
                return self._answer(413, "too large")
            body = self.rfile.read(length)
            try:
                event = json.loads(body)
            except ValueError:
                event = {}
            label = f"(event={event.get('event')} id={event.get('id')})"
            try:
                timestamp = verify_signature(secret=args.secret, body=body,
                                             header=self.headers.get("X-HC-Signature", ""), tolerance=args.tolerance)
            except ValueError as exc:
                print(f"REFUSED {exc} {label}", flush=True)
                return self._answer(400, str(exc))
            if event.get("id") in seen:
                print(f"DUPLICATE id={event.get('id')} (already received: answered 200, not processed again)",
                      flush=True)
                return self._answer(200, "duplicate")
            seen.add(event.get("id"))
            print(f"OK signature t={timestamp} {describe(event)}", flush=True)
            self._answer(200, "received")
            good["n"] += 1
            if args.count and good["n"] >= args.count:
                self.server.shutdown_requested = True

        def log_message(self, *_args):
            pass

    server = HTTPServer((args.host, args.port), Handler)  # one delivery at a time: lines in arrival order
    server.timeout = 0.5
    server.shutdown_requested = False
    print(f"listening on http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        while not server.shutdown_requested:
            server.handle_request()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
