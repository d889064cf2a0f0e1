#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# Used by README (second command) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice renders forms to PDF in the print tests (issue 8); poppler gives pdftoppm;
# a CJK font keeps Chinese text from printing as empty boxes.
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装测试所需的系统软件包（仅首次）：${need[*]}"
    { apt-get update -qq >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
      || echo "警告：系统软件包安装失败；依赖 LibreOffice 的测试可能被跳过。" >&2
  else
    echo "提示：缺少 ${need[*]}，且无法自动安装；依赖 LibreOffice 的测试将被跳过。" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
