#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: LibreOffice (.doc/.wps reading, fixture and benchmark PDFs),
# Chromium (browser test of the app), Noto CJK fonts (PDF rendering), PostgreSQL (the review store's tests run
# against a real server: tests/pg.py starts a throwaway cluster with its initdb/pg_ctl). Installed only when missing
# and when root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
  [ "${1:-}" = "--no-browser" ] || command -v chromium >/dev/null || need+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
  [ "${1:-}" = "--no-browser" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
