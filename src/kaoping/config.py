"""Load `kaoping.toml` into `Settings` (I/O lives here, not in the engine)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from .errors import KaopingError
from .rules.settings import Settings

DEFAULT_NAME = "kaoping.toml"


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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KaopingError("找不到配置文件", file=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KaopingError(f"配置文件格式错误：{exc}", file=str(path)) from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise KaopingError(f"配置项有误：{problems}", file=str(path)) from None
