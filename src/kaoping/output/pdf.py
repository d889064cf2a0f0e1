"""Converting workbooks through LibreOffice (``soffice --headless``): PDF for printing and
stamping, and .xlsx re-saves for the round-trip tests (the forms come back re-saved by Excel/WPS).

Every call runs soffice with a private profile (``-env:UserInstallation=file:///tmp/...``) so
parallel runs, and a desktop LibreOffice the user has open, never clash; several files go
through one soffice process (start-up costs more than a conversion); output first lands in a
private temporary folder, so soffice never writes next to an input, and then in the staging
folder of an all-or-nothing output set (`output.files.OutputSet`): an existing output is only
replaced with ``force``, and a failure leaves no PDF of the batch behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from ..errors import KaopingError
from .files import OutputSet

# Export filters by target format; soffice picks the right one for Calc documents this way
# instead of guessing from the extension.
FILTERS = {
    "pdf": "pdf:calc_pdf_Export",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "ods": "ods:calc8",
}

BATCH_SIZE = 50           # files per soffice process (keeps the command line short)
BASE_TIMEOUT = 60.0       # seconds for soffice to start …
PER_FILE_TIMEOUT = 10.0   # … plus this much per file in the batch

INSTALL_HINT = ("请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-calc "
                "fonts-noto-cjk；Windows/macOS：从 https://www.libreoffice.org 下载安装），"
                "或设置环境变量 KAOPING_SOFFICE 指向 soffice 程序")

_lock = threading.Lock()

# The forms ask for 宋体/仿宋 (Windows fonts). Where they are not installed, fontconfig would
# fall back to a sans-serif face; these aliases ask for a serif CJK face instead, so a PDF
# made on Linux looks like the printed annex. `accept` ranks them after the real font, so an
# installed 宋体/仿宋 still wins.
_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "Noto Serif CJK")
_SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK")
FONT_ALIASES: dict[str, tuple[str, ...]] = {
    **{f: _SERIF for f in ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312",
                           "FangSong_GB2312", "楷体", "KaiTi", "楷体_GB2312", "方正小标宋简体")},
    **{f: _SANS for f in ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei")},
}
SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")


def _fontconfig_file(folder: Path) -> Path | None:
    """A fonts.conf that includes the system one and adds FONT_ALIASES (Linux/BSD only, and
    only when the user has not chosen a FONTCONFIG_FILE)."""
    if os.environ.get("FONTCONFIG_FILE") or not SYSTEM_FONTCONFIG.is_file():
        return None
    from xml.sax.saxutils import escape

    aliases = "".join(
        f'  <alias binding="same"><family>{escape(name)}</family><accept>'
        + "".join(f"<family>{escape(f)}</family>" for f in faces)
        + "</accept></alias>\n"
        for name, faces in FONT_ALIASES.items())
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f'<fontconfig>\n  <include ignore_missing="yes">{SYSTEM_FONTCONFIG}</include>\n'
                    f"{aliases}</fontconfig>\n", encoding="utf-8")
    return conf


# Where the LibreOffice installer puts soffice.exe on Windows: below Program Files (64- and
# 32-bit, on whatever drive Windows is), or below the user's own programs for a per-user
# install; older releases used a versioned folder ("LibreOffice 5").
_WINDOWS_ROOTS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")
_WINDOWS_DEFAULTS = (r"C:\Program Files", r"C:\Program Files (x86)")
_MACOS = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def windows_soffice_candidates(environ: Mapping[str, str]) -> list[str]:
    """The soffice.exe paths to try on Windows, most usual first (no file is looked at)."""
    roots = [environ[k] for k in _WINDOWS_ROOTS if environ.get(k)] + list(_WINDOWS_DEFAULTS)
    if environ.get("LOCALAPPDATA"):
        roots.append(str(PureWindowsPath(environ["LOCALAPPDATA"], "Programs")))
    out: list[str] = []
    for root in dict.fromkeys(roots):
        path = str(PureWindowsPath(root, "LibreOffice", "program", "soffice.exe"))
        if path not in out:
            out.append(path)
    return out


def _versioned(candidate: str) -> list[str]:
    """`…\\LibreOffice\\program\\soffice.exe` and the `…\\LibreOffice N\\…` folders beside it."""
    root = Path(candidate).parents[2]  # the folder holding LibreOffice (on the running system)
    found = sorted(root.glob("LibreOffice*/program/soffice.exe"), reverse=True) if root.is_dir() else []
    return [candidate, *(str(p) for p in found)]


def soffice_path() -> str | None:
    """The soffice executable: $KAOPING_SOFFICE, else `soffice`/`libreoffice` on PATH, else
    the usual install locations on Windows (Program Files on any drive, a per-user install,
    a versioned folder) and macOS."""
    env = os.environ.get("KAOPING_SOFFICE")
    if env:
        return env if Path(env).is_file() and os.access(env, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [p for c in windows_soffice_candidates(os.environ) for p in _versioned(c)]
    for candidate in (*candidates, _MACOS):
        if Path(candidate).is_file():
            return candidate
    return None


def soffice_available() -> bool:
    """True when LibreOffice can be run here."""
    return soffice_path() is not None


def require_soffice() -> str:
    """The soffice executable, or a Chinese `KaopingError` saying how to install it (commands
    with --pdf call this before writing anything)."""
    exe = soffice_path()
    if exe is None:
        raise KaopingError("未找到 LibreOffice（soffice），无法输出 PDF。" + INSTALL_HINT)
    return exe


def pdf_beside(paths: Sequence[Path | str], *, force: bool = False,
               on_progress: Callable[[Path], None] | None = None,
               inputs: Iterable[Path | str | None] = ()) -> list[Path]:
    """A PDF next to each workbook kaoping has just written (same folder, same name), for
    printing and stamping, as a set of its own (all or nothing). Writers that make the
    workbooks too put the PDFs in their own set instead (`stage_pdfs`)."""
    sources = [Path(p) for p in paths]
    if not sources:
        return []
    root = Path(os.path.commonpath([str(p.resolve().parent) for p in sources]))
    return convert(sources, "pdf", root, relative_to=root, force=force, on_progress=on_progress,
                   inputs=inputs)


def _batches(paths: Sequence[Path], size: int) -> list[list[Path]]:
    """Split into batches in which no two inputs share a file stem: soffice names each output
    `<stem>.<fmt>` in one folder, so two `张三-2026Q3.xlsx` from different units must go
    through different calls."""
    batches: list[tuple[set[str], list[Path]]] = []
    for path in paths:
        stem = path.stem.casefold()
        for stems, batch in batches:
            if stem not in stems and len(batch) < size:
                stems.add(stem)
                batch.append(path)
                break
        else:
            batches.append(({stem}, [path]))
    return [batch for _, batch in batches]


def _target(src: Path, fmt: str, out_dir: Path, relative_to: Path | None) -> Path:
    if relative_to is not None:
        try:
            rel = src.resolve().relative_to(relative_to.resolve())
        except ValueError:
            raise KaopingError(f"文件不在目录 {relative_to} 之内，无法按原目录结构输出",
                               file=str(src)) from None
        return out_dir / rel.with_suffix("." + fmt)
    return out_dir / (src.stem + "." + fmt)


def _run(exe: str, profile: Path, batch: list[Path], fmt: str, tmp_out: Path,
         timeout: float, shown: Sequence[Path]) -> subprocess.CompletedProcess[str]:
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
        "--nolockcheck", "--convert-to", FILTERS[fmt], "--outdir", str(tmp_out),
        *(str(p) for p in batch),
    ]
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")  # no display needed
    fonts = profile.parent / "fonts.conf"
    if fonts.is_file():
        env["FONTCONFIG_FILE"] = str(fonts)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace", env=env,
                                cwd=tmp_out, start_new_session=os.name == "posix")
    except OSError as exc:
        raise KaopingError(f"无法启动 LibreOffice（{exe}）：{exc.strerror or exc}。"
                           + INSTALL_HINT) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise KaopingError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），涉及 {len(batch)} 个文件，"
                           f"首个为 {shown[0]}；请检查文件是否过大，或单独转换后重试") from None
    except BaseException:
        _kill(proc)
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill(proc: subprocess.Popen[str]) -> None:
    """Stop soffice and the soffice.bin it started (same process group on POSIX)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    proc.communicate()


def convert(paths: Sequence[Path | str], fmt: str, out_dir: Path | str, *,
            relative_to: Path | str | None = None, force: bool = False,
            timeout: float | None = None,
            on_progress: Callable[[Path], None] | None = None,
            inputs: Iterable[Path | str | None] = ()) -> list[Path]:
    """Convert workbooks to `fmt` ("pdf", "xlsx" or "ods") with LibreOffice.

    Outputs go to `out_dir/<stem>.<fmt>`, or, with `relative_to`, keep each input's folder
    below `relative_to` (`forms --pdf` puts every PDF beside its generated form). Returns the
    output paths in input order. All or nothing (`output.files.OutputSet`): raises
    `KaopingError` (Chinese) when soffice is missing, an output would overwrite an input (the
    workbooks converted or other `inputs` of the run), an output exists and `force` is not
    set, two inputs map to one output, or soffice fails or times out; then no output is
    written and existing ones are left as they were.
    `timeout` is per soffice call (default: 60 s + 10 s per file in the batch).
    """
    if fmt not in FILTERS:
        raise KaopingError(f"不支持的转换格式「{fmt}」（可用：{'、'.join(FILTERS)}）")
    sources = [Path(p) for p in paths]
    if not sources:
        return []
    out_dir = Path(out_dir)
    base = Path(relative_to) if relative_to is not None else None
    targets = [_target(src, fmt, out_dir, base) for src in sources]
    _check_sources(sources, targets)  # before the first (slow) soffice start
    exe = require_soffice()
    with OutputSet(out_dir, targets, force=force, inputs=[*sources, *inputs]) as out:
        jobs = [_Job(src, out.path(dst), src, dst) for src, dst in zip(sources, targets, strict=True)]
        _convert_all(exe, jobs, fmt, timeout, on_progress)
    return targets


def stage_pdfs(out: OutputSet, workbooks: Sequence[Path], *,
               on_progress: Callable[[Path], None] | None = None) -> list[Path]:
    """PDFs of `workbooks` (targets of `out`, already written into it) beside them, inside
    the same all-or-nothing set: the set's targets must include each `<name>.pdf`."""
    pdfs = pdf_targets(workbooks)
    if not pdfs:
        return []
    exe = require_soffice()
    jobs = [_Job(out.path(w), out.path(p), Path(w), p) for w, p in zip(workbooks, pdfs, strict=True)]
    _convert_all(exe, jobs, "pdf", None, on_progress)
    return pdfs


def pdf_targets(workbooks: Sequence[Path]) -> list[Path]:
    """The PDF `stage_pdfs` writes beside each workbook."""
    return [Path(w).with_suffix(".pdf") for w in workbooks]


def _check_sources(sources: Sequence[Path], targets: Sequence[Path]) -> None:
    for src in sources:
        if not src.is_file():
            raise KaopingError("文件不存在", file=str(src))
    seen: dict[Path, Path] = {}
    for src, dst in zip(sources, targets, strict=True):
        key = dst.resolve()
        if key in seen:
            raise KaopingError(f"{seen[key]} 与 {src} 将输出为同一文件；请分开转换",
                               file=str(dst))
        seen[key] = src


@dataclass(frozen=True)
class _Job:
    """One conversion: read `src`, write `dst` (in a staging folder); messages name `shown`
    (the workbook as the user knows it), progress reports `target` (the output's place)."""

    src: Path
    dst: Path
    shown: Path
    target: Path


def _convert_all(exe: str, jobs: Sequence[_Job], fmt: str, timeout: float | None,
                 on_progress: Callable[[Path], None] | None) -> None:
    """Run soffice over `jobs` in batches, in a private profile and output folder; each
    result is copied to its `dst`. Raises `KaopingError` naming the files that failed."""
    by_src = {job.src: job for job in jobs}
    with _lock, tempfile.TemporaryDirectory(prefix="kaoping-soffice-") as tmp:
        profile = Path(tmp) / "profile"
        profile.mkdir()
        _fontconfig_file(Path(tmp))
        for n, batch in enumerate(_batches(list(by_src), BATCH_SIZE)):
            tmp_out = Path(tmp) / f"out{n}"
            tmp_out.mkdir()
            limit = timeout if timeout is not None else BASE_TIMEOUT + PER_FILE_TIMEOUT * len(batch)
            shown = [by_src[src].shown for src in batch]
            proc = _run(exe, profile, [src.resolve() for src in batch], fmt, tmp_out, limit, shown)
            failed = [by_src[src] for src in batch
                      if not _take(tmp_out / (src.resolve().stem + "." + fmt), by_src[src], on_progress)]
            if failed:
                raise _failed(failed, proc)


def _take(produced: Path, job: _Job, on_progress: Callable[[Path], None] | None) -> bool:
    """Copy one result to its place; False when soffice made nothing (or an empty file)."""
    if not produced.is_file() or produced.stat().st_size == 0:
        return False
    job.dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(produced, job.dst)  # a new file: its mode follows the umask
    if on_progress is not None:
        on_progress(job.target)
    return True


def _failed(failed: Sequence[_Job], proc: subprocess.CompletedProcess[str]) -> KaopingError:
    detail = _soffice_detail(proc)
    names = "、".join(str(j.shown) for j in failed[:5]) + ("……" if len(failed) > 5 else "")
    return KaopingError(f"LibreOffice 未能转换 {len(failed)} 个文件：{names}"
                        + (f"（soffice 输出：{detail}）" if detail else "")
                        + "；请确认文件能用 Excel/WPS 正常打开")


def _soffice_detail(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln.strip() for ln in (proc.stderr + "\n" + proc.stdout).splitlines()
             if ln.strip() and "javaldx" not in ln and not ln.startswith("convert ")]
    text = " ".join(lines)
    if proc.returncode:
        text = f"退出码 {proc.returncode}" + (f"；{text}" if text else "")
    return text[:400]
