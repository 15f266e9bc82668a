#!/usr/bin/env bash
# Installs everything policykb needs on a fresh Debian machine: system packages (Chromium
# for the browser tests, Noto CJK fonts for PDF handouts, poppler-utils for PDF checks),
# a virtual environment in .venv and the project with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in chromium fonts-noto-cjk poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
log=$(mktemp)
# pip's progress and the build backend's warnings go to a log, shown only if the install fails
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test]"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "依赖安装失败（见上方 pip 输出）。" >&2
  exit 1
fi
rm -f "$log"
