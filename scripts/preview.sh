#!/usr/bin/env bash
# Render a workbook's first printed page (or every page) to PNG, to look at a form as it
# would print: LibreOffice (soffice --headless) → PDF → pdftoppm.
#
#   scripts/preview.sh [--all] [--dpi N] WORKBOOK.xlsx [OUT.png]
#
# Without OUT the image is written next to nothing: it goes to ./preview/<name>.png.
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
name="$(basename "$src")"
name="${name%.*}"
out="${2:-preview/$name.png}"
out="${out%.png}"
mkdir -p "$(dirname "$out")"

soffice="${KAOPING_SOFFICE:-$(command -v soffice || command -v libreoffice || true)}"
[ -n "$soffice" ] || { echo "错误：未找到 LibreOffice（soffice）；请安装 libreoffice-calc" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "错误：未找到 pdftoppm；请安装 poppler-utils" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kaoping-preview.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A copy with a plain name: soffice names the PDF after the input, in a folder of our own.
cp -- "$src" "$tmp/in.${src##*.}"
SAL_USE_VCLPLUGIN=svp "$soffice" "-env:UserInstallation=file://$tmp/profile" --headless \
  --nologo --norestore --nolockcheck --convert-to pdf --outdir "$tmp" "$tmp/in.${src##*.}" \
  >"$tmp/log" 2>&1 || true
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
