#!/usr/bin/env bash
# Issue 16's end-to-end path against a running demo site (`make run`, or PORT=… make run):
#   1. a signed-webhook receiver starts on a local port (webhook_receiver.py, standard library only);
#   2. the superuser `admin` registers a webhook for case transitions pointing at it (manage.py webhook create,
#      which prints the secret alone);
#   3. the reviewer `thamdinh` gets an API token (manage.py api_token create, which prints the token alone);
#   4. api_example.py lists Xã Đăk Blô's cases page by page with the cursor and approves one through an action;
#   5. the receiver prints the signed delivery of that approval, and the webhook is switched off again.
# Usage: apps/housing_campaign/scripts/api_webhook_demo.sh [BASE_URL] [RECEIVER_PORT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
BASE_URL=${1:-http://127.0.0.1:${PORT:-8000}}
RECEIVER_PORT=${2:-9190}
PY=.venv/bin/python
SCRIPTS=apps/housing_campaign/scripts

SECRET=$($PY manage.py webhook create admin --url "http://127.0.0.1:${RECEIVER_PORT}/hc-events" \
         --name "Ví dụ README (api_webhook_demo.sh)" --doctype housing_case --event transition --action approve)
WEBHOOK_ID=$($PY manage.py webhook list admin | awk -F'\t' '$6 ~ /api_webhook_demo/ && $2 == "on" {id=$1} END {print id}')
LOG=$(mktemp)
$PY -u $SCRIPTS/webhook_receiver.py --port "$RECEIVER_PORT" --secret "$SECRET" --count 1 >"$LOG" 2>&1 &
RECEIVER=$!
cleanup() { kill "$RECEIVER" 2>/dev/null || true; $PY manage.py webhook disable admin "$WEBHOOK_ID" || true; rm -f "$LOG"; }
trap cleanup EXIT

TOKEN=$($PY manage.py api_token create thamdinh --label "Ví dụ README" --days 1)
echo "Token for thamdinh: ${TOKEN:0:12}… (printed once by manage.py api_token create)"
$PY $SCRIPTS/api_example.py --base-url "$BASE_URL" --token "$TOKEN" --commune 23344

echo "5. The webhook receiver on port ${RECEIVER_PORT} (signature checked with the webhook's secret):"
for _ in $(seq 1 60); do grep -q "^OK\|^REFUSED" "$LOG" && break; sleep 0.5; done
sed 's/^/   /' "$LOG"
grep -q "^OK signature" "$LOG"
