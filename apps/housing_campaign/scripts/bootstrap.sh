#!/usr/bin/env bash
# Prepare this checkout: system packages (when root), the virtualenv and the Python packages.
# Usage: bootstrap.sh run|test   ("test" adds what the test suite needs: Chromium, zbar, PostgreSQL client,
#                                  axe-core from npm).
set -euo pipefail
level="${1:-run}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
PYTHON="${PYTHON:-python3}"
VENV="$root/.venv"
pkgdir="$root/apps/housing_campaign"

# ---------------------------------------------------------------- system packages
# WeasyPrint needs Pango; documents need fonts with every Vietnamese glyph (Liberation Serif is
# metric-compatible with Times New Roman). The workflow builder lays out its diagram with Graphviz `dot`.
# Tests also need Chromium (browser tests) and zbar (QR); developers need gettext (msgfmt, xgettext) for
# `make messages`.
run_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-liberation2 fonts-dejavu-core shared-mime-info graphviz)
test_pkgs=(chromium libzbar0 postgresql-client redis-tools wrk gettext)
wanted=("${run_pkgs[@]}")
[ "$level" = "test" ] && wanted+=("${test_pkgs[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo ">> Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing system packages: ${missing[*]}"
    echo "!! Install them as root, e.g.: sudo apt-get install ${missing[*]}"
    [ "$level" = "test" ] && exit 1
  fi
fi

# ---------------------------------------------------------------- front-end test tools (npm)
# The browser tests run axe-core (tests/browser/conftest.py), installed from the npm registry into
# node_modules/ at the repository's root, pinned by package-lock.json (`npm ci`). Nothing is served from there.
if [ "$level" = "test" ]; then
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo ">> Installing Debian's nodejs and npm (the browser tests need axe-core from npm)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null || true
      apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
      echo "!! npm is missing: the browser tests need axe-core from the npm registry."
      echo "!! Install it as root, e.g.: sudo apt-get install nodejs npm"
      exit 1
    fi
  fi
  npm_stamp="$root/node_modules/.installed-lock"
  if [ ! -f "$root/node_modules/axe-core/axe.min.js" ] || [ ! -f "$npm_stamp" ] \
      || [ "$root/package-lock.json" -nt "$npm_stamp" ]; then
    echo ">> Installing front-end test tools (pinned by package-lock.json)"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$npm_stamp"
  fi
fi

# ---------------------------------------------------------------- virtualenv and Python packages
if [ ! -x "$VENV/bin/python" ]; then
  echo ">> Creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$level"
inputs=("$pkgdir/pyproject.toml" "$pkgdir/constraints.txt")
need=0
[ -f "$stamp" ] || need=1
for f in "${inputs[@]}"; do [ "$f" -nt "$stamp" ] 2>/dev/null && need=1; done
if [ "$need" = "1" ]; then
  echo ">> Installing Python packages (pinned by apps/housing_campaign/constraints.txt)"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  extra=""
  [ "$level" = "test" ] && extra="[dev]"
  "$VENV/bin/python" -m pip install -q -c "$pkgdir/constraints.txt" -e "$pkgdir$extra"
  touch "$stamp"
  [ "$level" = "test" ] && touch "$VENV/.installed-run"
fi
exit 0
