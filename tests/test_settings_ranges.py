"""Every setting has a range (issue 15, item 8), and every way a kaoping.toml can be wrong is
exit 2 with a Chinese message naming the file, the key, the value and what is allowed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.config import MAX_CONFIG_BYTES, load_settings
from kaoping.errors import KaopingError

runner = CliRunner()

# (section, key, lowest allowed, just below it, highest allowed, just above it)
RANGES = [
    ("quota", "good_ratio", 0.01, 0, 1, 1.01),
    ("attendance", "min_ratio", 0.01, 0, 1, 1.01),
    ("attendance", "long_leave_ratio", 0.01, 0, 1, 1.01),
    ("annual", "excellent_min_good", 1, 0, 4, 5),
    ("annual", "average_poor_max", 0, -1, 4, 5),
    ("text", "min_block_chars", 0, -1, 1000, 1001),
    ("limits", "max_file_bytes", 1, 0, 2 * 1024 ** 3, 2 * 1024 ** 3 + 1),
    ("limits", "max_uncompressed_bytes", 1, 0, 4 * 1024 ** 3, 4 * 1024 ** 3 + 1),
    ("limits", "max_compression_ratio", 1, 0.5, 100_000, 100_001),
    ("limits", "max_rows", 1, 0, 1_048_576, 1_048_577),
    ("limits", "max_columns", 1, 0, 16_384, 16_385),
    ("limits", "max_register_rows", 1, 0, 1_048_576, 1_048_577),
]
INTEGER = {"excellent_min_good", "average_poor_max", "min_block_chars", "max_file_bytes",
           "max_uncompressed_bytes", "max_rows", "max_columns", "max_register_rows"}


def _toml(tmp_path: Path, text: str | bytes, name: str = "kaoping.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _load_error(path: Path) -> str:
    with pytest.raises(KaopingError) as err:
        load_settings(path)
    assert err.value.file == str(path)
    return err.value.message


@pytest.mark.parametrize(("section", "key", "low", "below", "high", "above"), RANGES)
def test_each_setting_accepts_its_bounds_and_refuses_past_them(tmp_path, section, key, low, below, high, above):
    for ok in (low, high):
        settings = load_settings(_toml(tmp_path, f"[{section}]\n{key} = {ok}\n"))
        assert getattr(getattr(settings, section), key) == ok
    for bad in (below, above):
        message = _load_error(_toml(tmp_path, f"[{section}]\n{key} = {bad}\n"))
        assert f"{section}.{key} = {bad}" in message and "应为" in message and str(high) in message


@pytest.mark.parametrize(("section", "key"), [(s, k) for s, k, *_ in RANGES])
@pytest.mark.parametrize("value", ["true", "nan", "inf", "-inf", '"5"'])
def test_booleans_nan_inf_and_text_are_refused(tmp_path, section, key, value):
    message = _load_error(_toml(tmp_path, f"[{section}]\n{key} = {value}\n"))
    assert f"{section}.{key} = {value}" in message
    if value == "true":
        assert "不能写 true/false" in message


@pytest.mark.parametrize("key", sorted(INTEGER))
def test_integer_settings_refuse_decimals(tmp_path, key):
    section = next(s for s, k, *_ in RANGES if k == key)
    message = _load_error(_toml(tmp_path, f"[{section}]\n{key} = 1.5\n"))
    assert "整数" in message


def test_decimal_settings_take_integers(tmp_path):
    assert load_settings(_toml(tmp_path, "[quota]\ngood_ratio = 1\n")).quota.good_ratio == 1.0


@pytest.mark.parametrize(("month", "ok", "bad"), [("2026-02", 28, 28.5), ("2028-02", 29, 30),
                                                  ("2026-07", 31, 32)])
def test_workdays_range_is_the_days_of_the_month(tmp_path, month, ok, bad):
    assert load_settings(_toml(tmp_path, f'[attendance.workdays]\n"{month}" = {ok}\n')) \
        .attendance.workdays == {month: ok}
    assert load_settings(_toml(tmp_path, f'[attendance.workdays]\n"{month}" = 0\n')) \
        .attendance.workdays == {month: 0}
    for value in (bad, -1, "nan", "true"):
        message = _load_error(_toml(tmp_path, f'[attendance.workdays]\n"{month}" = {value}\n'))
        assert "attendance.workdays" in message and "0 到" in message


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-07", "0999-01", "七月"])
def test_workdays_months_are_checked(tmp_path, month):
    message = _load_error(_toml(tmp_path, f'[attendance.workdays]\n"{month}" = 20\n'))
    assert f"「{month}」" in message and "2027-01" in message


def test_unknown_keys_name_the_known_ones(tmp_path):
    message = _load_error(_toml(tmp_path, "[limits]\nmax_row = 10\n"))
    assert "没有配置项 limits.max_row" in message and "max_rows" in message
    message = _load_error(_toml(tmp_path, "[quotas]\ngood_ratio = 0.3\n"))
    assert "没有配置项 quotas" in message and "quota" in message


# ---------------------------------------------------------------- the file itself


def test_a_bom_is_accepted(tmp_path):
    path = _toml(tmp_path, b"\xef\xbb\xbf[quota]\ngood_ratio = 0.3\n")
    assert load_settings(path).quota.good_ratio == 0.3


def test_gbk_is_refused_with_how_to_save_as_utf8(tmp_path):
    path = _toml(tmp_path, "# 本地设置\n[quota]\ngood_ratio = 0.3\n".encode("gbk"))
    message = _load_error(path)
    assert "不是 UTF-8 编码" in message and "GBK" in message and "另存为" in message


def test_the_size_is_capped(tmp_path):
    body = "[quota]\ngood_ratio = 0.3\n"
    fits = body + "#" * (MAX_CONFIG_BYTES - len(body) - 1) + "\n"
    assert len(fits.encode()) == MAX_CONFIG_BYTES
    assert load_settings(_toml(tmp_path, fits)).quota.good_ratio == 0.3
    message = _load_error(_toml(tmp_path, fits + "\n"))
    assert "超过 1024 KB" in message


def test_a_directory_a_device_and_a_missing_file(tmp_path):
    assert "是一个文件夹" in _load_error(tmp_path)
    if os.path.exists("/dev/zero"):
        assert "不是普通文件" in _load_error(Path("/dev/zero"))
    assert "找不到配置文件" in _load_error(tmp_path / "无.toml")


def test_toml_syntax_names_the_line(tmp_path):
    message = _load_error(_toml(tmp_path, "[quota]\ngood_ratio = 0.3\ngood_ratio = 0.2\n"))
    assert "第 3 行" in message and "TOML" in message


def test_deep_nesting_is_refused(tmp_path):
    message = _load_error(_toml(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "嵌套层数过多" in message


# ---------------------------------------------------------------- on the command line


@pytest.mark.parametrize(("text", "shown"), [
    ("[limits]\nmax_compression_ratio = nan\n", "limits.max_compression_ratio=nan"),
    ("[limits]\nmax_rows = 0\n", "limits.max_rows=0"),
    ('[attendance.workdays]\n"2026-07" = nan\n', "attendance.workdays.2026-07=nan"),
])
def test_a_bad_value_is_exit_2_naming_file_key_value_and_range(tmp_path, text, shown):
    path = _toml(tmp_path, text)
    result = runner.invoke(app, ["calendar", "2026", "-c", str(path)], env={"COLUMNS": "300"})
    output = "".join(result.output.split())
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert str(path).replace(" ", "") in output and shown in output and "应为" in output
    assert "Traceback" not in output
