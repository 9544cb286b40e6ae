#!/usr/bin/env python3
"""Example client of the REST API, with Python's standard library only.

Lists the cases of a commune page by page with the cursor, then takes one workflow action (by default: the
reviewer's "approve" on the first case waiting in eligibility review), saying what it does at each step.

    python3 api_example.py --base-url http://127.0.0.1:8000 --token "$TOKEN" --commune 23344
    # the token: `python manage.py api_token create thamdinh` (prints it alone), or the desk's "Khóa API" page

Exit code 0 when everything went as expected, 1 when the API refused something (its error is printed).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"HTTP {status} {error.get('code')}: {error.get('message')} (field: {error.get('field')})")
        self.status, self.error = status, error


def call(base: str, token: str, method: str, path: str, params: dict | None = None, body: dict | None = None):
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/json",
        **({"Content-Type": "application/json"} if data is not None else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode())
    except urllib.error.HTTPError as exc:
        try:
            payload = json.loads(exc.read().decode())
        except ValueError:
            payload = {}
        raise ApiError(exc.code, payload) from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("HC_API_BASE", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("HC_API_TOKEN", ""), help="or HC_API_TOKEN")
    parser.add_argument("--commune", default="23344", help="the commune's code (default: Xã Đăk Blô)")
    parser.add_argument("--page-size", type=int, default=5)
    parser.add_argument("--action", default="approve")
    parser.add_argument("--from-state", default="eligibility_review", help="the state the action starts from")
    parser.add_argument("--comment", default="Đủ điều kiện theo kết quả thẩm định (qua API).")
    args = parser.parse_args()
    if not args.token:
        parser.error("a token is needed: --token or HC_API_TOKEN")
    base, token = args.base_url, args.token
    try:
        print(f"1. Cases of commune {args.commune}, {args.page_size} per page, oldest in their state first:")
        params = {"territory": args.commune, "page_size": args.page_size,
                  "fields": "code,head_name,state,state_label,lock_version"}
        page, total, waiting = 1, 0, None
        while True:
            body = call(base, token, "GET", "/api/v1/cases/", params)
            for case in body["results"]:
                total += 1
                print(f"   page {page}: {case['code']}  {case['head_name']:<28} {case['state_label']}")
                if waiting is None and case["state"] == args.from_state:
                    waiting = case
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]  # the same filters and order, the page after the last row
            page += 1
        print(f"   {total} case(s) in {page} page(s); the last page has no next_cursor.")
        if waiting is None:
            print(f"2. No case of this commune is in “{args.from_state}”: no action taken.")
            return 0
        print(f"2. {args.action} on {waiting['code']} ({waiting['head_name']}), expected state {args.from_state}:")
        result = call(base, token, "POST", f"/api/v1/cases/{urllib.parse.quote(waiting['code'])}/actions/"
                      f"{args.action}/", body={"comment": args.comment, "expected_state": args.from_state})
        outcome = result["outcome"]
        print(f"   {outcome['message']} ({outcome['from_state']} → {outcome['to_state']}); "
              f"now “{result['case']['state_label']}”.")
        print("3. The same action again with the old expected state (a stale click) is refused:")
        try:
            call(base, token, "POST", f"/api/v1/cases/{urllib.parse.quote(waiting['code'])}/actions/{args.action}/",
                 body={"comment": args.comment, "expected_state": args.from_state})
            print("   unexpectedly accepted")
            return 1
        except ApiError as exc:
            print(f"   {exc}")
        events = call(base, token, "GET", f"/api/v1/cases/{urllib.parse.quote(waiting['code'])}/events/",
                      {"fields": "kind,at,actor,from_state,to_state,action"})["results"]
        last = events[-1]
        print(f"4. Its log ends with: {last['kind']} {last['action']} {last['from_state']} → {last['to_state']} by "
              f"{last['actor']} at {last['at']}.")
        return 0
    except ApiError as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
