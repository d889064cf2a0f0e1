#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# Used by README (second command) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice renders forms to PDF in the print tests (issue 8); poppler gives pdftoppm.
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装 LibreOffice（仅首次）……"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-calc poppler-utils fonts-noto-cjk >/dev/null
  else
    echo "提示：未找到 soffice，且无法自动安装；依赖 LibreOffice 的测试将被跳过。" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
