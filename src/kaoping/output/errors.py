"""OS errors of a write as Chinese messages that name the file and say what to do (the
English strerror never reaches the user)."""

from __future__ import annotations

import errno
from pathlib import Path

from ..errors import KaopingError

# Added to the message when a set of outputs failed: what the clerk most wants to know.
SET_UNTOUCHED = "本次的输出一个也没有写出，原有文件保持不变"

_CLOSE_IT = "如果该文件正在 Excel/WPS 中打开（Windows 上也是这个错误），请先在 Excel/WPS 中关闭该文件后重试"

_REASON_BY_NAME: dict[str, str] = {
    "ENOSPC": "磁盘已满。请清理磁盘空间，或换一个有空间的位置后重试",
    "EROFS": "该位置是只读的（只读的磁盘、光盘或写保护的 U 盘）。请换一个可以写入的位置",
    "EACCES": f"没有写入权限。{_CLOSE_IT}；否则请换一个有写入权限的位置",
    "EPERM": f"没有写入权限。{_CLOSE_IT}；否则请换一个有写入权限的位置",
    "EISDIR": "这是一个文件夹，不是文件。请指定一个文件名（例如 问题清单.xlsx）",
    "ENOTDIR": "路径中的某一级是文件而不是文件夹。请检查路径，或换一个输出位置",
    "EEXIST": "已有同名的文件或文件夹。请换一个名字，或移走它后重试",
    "ENOTEMPTY": "已有同名的文件夹且其中有文件。请换一个名字，或移走它后重试",
    "ENAMETOOLONG": "文件名或路径太长。请换一个短一些的文件夹或文件名",
    "ENOENT": "所在的文件夹不存在或已被移走、改名。请检查路径后重试",
    "EXDEV": "不能跨磁盘移动文件。请把输出放在同一个磁盘上",
    "EBUSY": "文件正被其他程序占用。请关闭正在使用它的程序后重试",
    "ETXTBSY": "文件正被其他程序占用。请关闭正在使用它的程序后重试",
    "ELOOP": "路径中有循环的快捷方式（符号链接）。请检查路径",
    "EMLINK": "文件夹中的文件或子文件夹太多。请换一个文件夹",
    "EFBIG": "文件太大，超出该磁盘允许的大小。请换一个磁盘（例如不用 FAT32 格式的 U 盘）",
    "EIO": "读写磁盘时出错（磁盘、U 盘或网络盘可能已断开或损坏）。请检查后重试",
    "EDQUOT": "超出了磁盘配额。请清理空间或联系管理员后重试",
}
# Only the codes this system has (Windows lacks some).
_REASONS = {getattr(errno, n): text for n, text in _REASON_BY_NAME.items() if hasattr(errno, n)}

# Windows error numbers Python does not map to an errno.
_WINERRORS: dict[int, int] = {32: errno.EACCES, 33: errno.EACCES, 112: errno.ENOSPC, 19: errno.EROFS}


def reason(exc: OSError) -> str:
    """What went wrong and what to do, in Chinese."""
    code = _WINERRORS.get(getattr(exc, "winerror", None) or 0, exc.errno)
    if code is not None and code in _REASONS:
        return _REASONS[code]
    name = errno.errorcode.get(exc.errno or 0)
    return f"系统错误（{name or exc.errno}）。请检查该位置是否可以写入后重试"


def os_error(exc: OSError, target: Path, *, note: str | None = None) -> KaopingError:
    """A `KaopingError` for an OS error met while writing `target`, naming the place the
    system complained about when it is another one the user knows (not one of ours)."""
    text = f"无法写入：{reason(exc)}"
    places = [str(p) for p in (exc.filename, exc.filename2) if p]
    other = next((p for p in places if ".~kaoping-" not in p), None)  # not our hidden names
    if other and Path(other) != Path(target):
        text += f"（出错的位置：{other}）"
    if note:
        text += f"；{note}"
    return KaopingError(text, file=str(target))
