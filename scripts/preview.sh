#!/usr/bin/env bash
# Render a workbook's first printed page (or every page) to PNG, to look at a form as it
# would print: LibreOffice (soffice --headless) → PDF → pdftoppm.
#
#   scripts/preview.sh [--all] [--dpi N] WORKBOOK.xlsx [OUT.png]
#
# Without OUT the image goes to ./preview/<name>.png (never next to the workbook).
# With --all every page is rendered as OUT-1.png, OUT-2.png, … (a monthly workbook prints
# its 附件2 and each weekly 附件1 on its own page). The page count and size are printed.
set -euo pipefail

usage() { echo "用法：$0 [--all] [--dpi N] 工作簿.xlsx [输出.png]" >&2; exit 2; }

all=0
dpi=110
while [ $# -gt 0 ]; do
  case "$1" in
    --all) all=1; shift ;;
    --dpi) [ $# -ge 2 ] || usage; dpi="$2"; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage
src="$1"
[ -f "$src" ] || { echo "错误：文件不存在：$src" >&2; exit 2; }
base="$(basename "$src")"
name="${base%.*}"
ext="${base##*.}"
[ "$ext" != "$base" ] || ext=xlsx
out="${2:-preview/$name.png}"
out="${out%.png}"
mkdir -p "$(dirname "$out")"

command -v pdftoppm >/dev/null || { echo "错误：未找到 pdftoppm；请安装 poppler-utils" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kaoping-preview.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A copy with a plain name: the PDF is named after the input, in a folder of our own.
cp -- "$src" "$tmp/in.$ext"
# kaoping.output.pdf when kaoping is importable (private profile, 宋体/仿宋 mapped to a serif CJK
# face as in `--pdf`), plain soffice otherwise.
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="$repo/.venv/bin/python"
[ -x "$py" ] || py="$(command -v python3 || true)"
if [ -n "$py" ] && "$py" -c "import kaoping.output.pdf" 2>/dev/null; then
  "$py" - "$tmp/in.$ext" "$tmp" <<'PY' || exit 2
import sys
from kaoping.errors import KaopingError
from kaoping.output.pdf import convert
try:
    convert([sys.argv[1]], "pdf", sys.argv[2])
except KaopingError as exc:
    sys.exit("错误：" + exc.message)
PY
else
  soffice="${KAOPING_SOFFICE:-$(command -v soffice || command -v libreoffice || true)}"
  [ -n "$soffice" ] || { echo "错误：未找到 LibreOffice（soffice）；请安装 libreoffice-calc" >&2; exit 2; }
  SAL_USE_VCLPLUGIN=svp "$soffice" "-env:UserInstallation=file://$tmp/profile" --headless \
    --nologo --norestore --nolockcheck --convert-to pdf --outdir "$tmp" "$tmp/in.$ext" \
    >"$tmp/log" 2>&1 || true
fi
[ -s "$tmp/in.pdf" ] || { echo "错误：LibreOffice 未能转换 $src：" >&2; cat "$tmp/log" >&2; exit 1; }

if command -v pdfinfo >/dev/null; then
  pages="$(pdfinfo "$tmp/in.pdf" | sed -n 's/^Pages: *//p')"
  size="$(pdfinfo "$tmp/in.pdf" | sed -n 's/^Page size: *//p')"
  echo "$src：共 $pages 页，页面 $size"
fi

if [ "$all" = 1 ]; then
  pdftoppm -png -r "$dpi" "$tmp/in.pdf" "$out"
  ls -1 "$out"-*.png
else
  pdftoppm -png -r "$dpi" -f 1 -l 1 -singlefile "$tmp/in.pdf" "$out"
  echo "$out.png"
fi
