"""Load `kaoping.toml` into `Settings` (I/O lives here, not in the engine).

Every way a settings file can be wrong is a Chinese `KaopingError` (exit 2) naming the file
and, for a bad value, the key, the value and the allowed range: a directory or a device given
as the file, a file larger than `MAX_CONFIG_BYTES`, an encoding other than UTF-8 (a BOM, as
Notepad writes, is fine), TOML syntax, nesting too deep, unknown keys and values out of range.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .errors import KaopingError
from .rules.settings import Settings

DEFAULT_NAME = "kaoping.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # a real kaoping.toml is a few hundred bytes


def settings_file(path: Path | None = None) -> Path | None:
    """The file `load_settings(path)` reads: `path`, else ./kaoping.toml when it exists."""
    if path is not None:
        return path
    candidate = Path.cwd() / DEFAULT_NAME
    return candidate if candidate.is_file() else None


def load_settings(path: Path | None = None) -> Settings:
    """Read settings from `path`, or from ./kaoping.toml when it exists, else defaults."""
    path = settings_file(path)
    if path is None:
        return Settings()
    data = parse_toml(read_config_text(Path(path)), path)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(describe_error(e) for e in exc.errors())
        raise KaopingError(f"配置项有误：{problems}。其余各项的写法见 docs/设置.md", file=str(path)) from None
    return _templates_beside(settings, path)


def _templates_beside(settings: Settings, path: Path) -> Settings:
    """[templates] dir is relative to the kaoping.toml that names it, not to the cwd."""
    folder = settings.templates.dir
    if not folder or Path(folder).is_absolute():
        return settings
    templates = settings.templates.model_copy(update={"dir": str(path.parent / folder)})
    return settings.model_copy(update={"templates": templates})


# ---------------------------------------------------------------- reading the file


def read_config_text(path: Path) -> str:
    """The text of a settings file, read at most `MAX_CONFIG_BYTES` (+1) bytes."""
    if path.is_dir():
        raise KaopingError("这是一个文件夹，不是配置文件；-c 请指定 kaoping.toml 文件本身", file=str(path))
    if path.exists() and not path.is_file():
        raise KaopingError("这不是普通文件（设备、管道等），不能作为配置文件；-c 请指定 kaoping.toml 文件",
                           file=str(path))
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise KaopingError("找不到配置文件", file=str(path)) from None
    except PermissionError:
        raise KaopingError("没有权限读取配置文件；请检查文件权限，或把它复制到自己的文件夹后用 -c 指定",
                           file=str(path)) from None
    except OSError as exc:
        raise KaopingError(f"无法读取配置文件（系统错误 {exc.errno}）", file=str(path)) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise KaopingError(f"配置文件超过 {MAX_CONFIG_BYTES // 1024} KB，不像是 kaoping.toml；"
                           "请检查 -c 指定的文件", file=str(path))
    return decode_config(raw, path)


def decode_config(raw: bytes, path: Path) -> str:
    """UTF-8, with or without the BOM Notepad writes; GBK (ANSI) gets how to re-save it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gbk")
        looks = "（看起来是 GBK/ANSI 编码）"
    except UnicodeDecodeError:
        looks = ""
    raise KaopingError(f"配置文件不是 UTF-8 编码{looks}；请用记事本打开，“另存为”时把编码选为 UTF-8 后保存",
                       file=str(path))


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KaopingError(f"配置文件格式错误（TOML 写法）{_where(str(exc))}：请检查引号、等号、方括号是否成对，"
                           "同一项是否写了两次；写法见 docs/设置.md", file=str(path)) from None
    except RecursionError:
        raise KaopingError("配置文件中的方括号或花括号嵌套层数过多，不是 kaoping.toml 的写法",
                           file=str(path)) from None


def _where(message: str) -> str:
    """「第 3 行第 5 列」from tomllib's "(at line 3, column 5)"."""
    import re

    m = re.search(r"line (\d+), column (\d+)", message)
    if m:
        return f"，在第 {m.group(1)} 行第 {m.group(2)} 列附近"
    return "，在文件末尾" if "end of document" in message else ""


# ---------------------------------------------------------------- what is wrong, in Chinese


def describe_error(error: Any) -> str:
    """One pydantic error as 「key = value：应为 …」."""
    loc = tuple(str(p) for p in error["loc"])
    key = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"没有配置项 {key}（{_known(loc[:-1])}）"
    if kind == "value_error":  # a validator's own Chinese message
        return f"{key}：{str(error['msg']).removeprefix('Value error, ')}"
    if kind in ("model_type", "dict_type"):
        return f"{key} 应写成一节 [{key}]，不是 {_shown(error.get('input'))}"
    value = error.get("input")
    return f"{key} = {_shown(value)}：{allowed(loc, value)}"


def allowed(loc: tuple[str, ...], value: Any = None) -> str:
    """What `loc` accepts: its type and range, read from the field's constraints."""
    field = _field(loc)
    if field is None:
        return "值无效"
    annotation = field.annotation
    if get_origin(annotation) is dict:  # [attendance.workdays] "2027-01" = 20
        return "应为 0 到当月天数之间的数（工作日天数）"
    if get_origin(annotation) is Literal:
        return "应为 " + "、".join(f'"{v}"' for v in get_args(annotation)) + " 之一"
    what = "整数" if annotation is int else "数"
    note = "（不能写 true/false）" if isinstance(value, bool) else ""
    return f"应为{_range(field.metadata)}的{what}{note}"


def _range(metadata: list[Any]) -> str:
    """「 1 到 5000 之间」, 「大于 0、不超过 1 」 from a field's ge/gt/le."""
    bound = {k: getattr(m, k) for m in metadata for k in ("ge", "gt", "le")
             if getattr(m, k, None) is not None}
    if "gt" in bound:
        low = f"大于 {_num(bound['gt'])}"
        return f"{low}、不超过 {_num(bound['le'])} " if "le" in bound else f"{low} "
    if "ge" in bound:
        if "le" in bound:
            return f" {_num(bound['ge'])} 到 {_num(bound['le'])} 之间"
        return f" {_num(bound['ge'])} 或以上"
    return f"不超过 {_num(bound['le'])} " if "le" in bound else ""


def _num(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _field(loc: tuple[str, ...]) -> Any:
    model: type[BaseModel] = Settings
    field = None
    for part in loc:
        if model is None or part not in model.model_fields:
            return field if field is not None and get_origin(field.annotation) is dict else None
        field = model.model_fields[part]
        model = field.annotation if isinstance(field.annotation, type) and issubclass(
            field.annotation, BaseModel) else None
    return field


def _known(section: tuple[str, ...]) -> str:
    model: Any = Settings
    for part in section:
        model = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return "请检查拼写"
    where = f"[{'.'.join(section)}] 中可用的项" if section else "可用的节"
    return f"{where}有：{'、'.join(model.model_fields)}"


def _shown(value: Any) -> str:
    """A value as it stood in the file (true, "x", nan), shortened."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
