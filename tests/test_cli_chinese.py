"""The command line speaks Chinese: every help screen and the usage errors a clerk meets
carry no English framework word (kaoping.cli.chinese), and every command's help ends with
示例 lines that parse as the command would (kaoping.cli.examples)."""

from __future__ import annotations

import pytest
import typer.main
from helpers_cli import parse_error
from rich.cells import cell_len
from typer.testing import CliRunner

from kaoping.cli import app, chinese
from kaoping.cli.examples import EXAMPLES

ENGLISH = ("Usage:", "Options", "Arguments", "Commands", "[required]", "[default:",
           "Show this message", "Missing option", "Missing argument", "Missing parameter",
           "Missing command", "No such option", "No such command", "Invalid value", "Try '",
           "Error", "Got unexpected", "requires an argument", "does not take a value",
           "Input should", "is not a valid", "does not exist", "Possible options",
           "<path>", "<str>", "<int>", "<float>", "<bool>", "[OPTIONS]", "COMMAND [ARGS]")


def _walk(command, path=()):
    """(path, click command) of kaoping and each group and command below it."""
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, name))


TREE = list(_walk(typer.main.get_command(app)))
LEAVES = [path for path, cmd in TREE if not getattr(cmd, "commands", None)]


def _run(args, width=80):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width)})
    return result, result.output


def _english(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def test_the_walk_finds_every_command():
    assert {" ".join(p) for p in LEAVES} >= {"quarter check", "quarter report", "annual eligible",
                                             "halfyear tally", "rules", "calendar", "forms blank"}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", [p for p, _ in TREE], ids=lambda p: " ".join(p) or "kaoping")
def test_every_help_screen_is_chinese(path, width):
    result, out = _run([*path, "--help"], width)
    assert result.exit_code == 0, out
    assert _english(out) == [], out
    assert "用法：kaoping" in out
    assert "显示本帮助并退出" in out


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_help_shows_examples_unwrapped_at_80_columns(path):
    _, out = _run([*path, "-h"], 80)
    assert "示例：" in out
    for line in EXAMPLES[" ".join(path)]:
        assert line in out


@pytest.mark.parametrize("line", [ln for lines in EXAMPLES.values() for ln in lines])
def test_every_example_fits_a_line_of_80_columns(line):
    assert cell_len(line) <= 76


def test_every_command_has_examples_and_nothing_else_does():
    assert set(EXAMPLES) == {" ".join(p) for p in LEAVES} | {""}


@pytest.mark.parametrize("line", [ln for lines in EXAMPLES.values() for ln in lines])
def test_every_example_parses(line, capsys):
    assert line.startswith("kaoping ")
    assert parse_error(line.removeprefix("kaoping ")) is None
    capsys.readouterr()


def test_an_example_that_does_not_parse_is_caught():
    assert parse_error("quarter check 收回 --rostr 花名册.xlsx") is not None
    assert parse_error("quarter") is not None


USAGE_ERRORS = [
    # (arguments, words the Chinese message must have)
    (["quarter", "check", "收回"], ["缺少选项 --roster", "花名册"]),
    (["quarter", "check", "-r", "花名册.xlsx"], ["缺少参数 文件夹"]),
    (["quarter", "check", "收回", "-r", "x.xlsx", "--bogus"], ["没有这个选项：--bogus"]),
    (["quarter", "check", "收回", "--rostr", "x.xlsx"], ["没有这个选项：--rostr", "--roster"]),
    (["quarter", "check", "收回", "--roster"], ["选项 --roster 后面缺少值"]),
    (["quarter", "check", "收回", "-r", "x.xlsx", "--force=yes"], ["选项 --force 是开关"]),
    (["calendar", "abc"], ["无效的值", "参数 年份", "「abc」不是整数"]),
    (["calendar", "1800"], ["无效的值", "不能小于 1900"]),
    (["calendar", "2026", "2027"], ["多余的参数：2027"]),
    (["halfyear", "forms", "-r", "a.xlsx", "--half", "2026H1", "-o", "o", "--ratio", "四成"],
     ["无效的值：选项 --ratio", "「四成」不是数"]),
    (["halfyear", "forms", "-r", "a.xlsx", "--half", "2026H1", "-o", "o", "--max-ticks", "1.5"],
     ["无效的值：选项 --max-ticks", "不是整数"]),
    (["nosuch"], ["没有这个命令：nosuch"]),
    (["quarter", "nosuch"], ["没有这个命令：nosuch"]),
]


@pytest.mark.parametrize("args,words", USAGE_ERRORS, ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_usage_errors_are_chinese(args, words):
    result, out = _run(args)
    assert result.exit_code == 2, out
    assert _english(out) == [], out
    for word in words:
        assert word in " ".join(out.split()), out  # the panel may wrap a message
    assert "错误" in out


def test_a_usage_error_points_at_the_help_in_chinese():
    _, out = _run(["quarter", "check", "收回"])
    assert "用法：kaoping quarter check [选项] {文件夹}" in out
    assert "查看帮助：kaoping quarter check -h" in out


def test_a_message_that_is_not_the_frameworks_is_kept():
    assert chinese.translate("花名册第 3 行工号重复") == "花名册第 3 行工号重复"


def test_install_twice_wraps_once():
    from typer import core
    from typer._click import formatting

    before = (core._main, formatting.HelpFormatter.write_usage)
    chinese.install()
    assert (core._main, formatting.HelpFormatter.write_usage) == before


@pytest.mark.parametrize("label,shown", [("<path>", "<路径>"), ("<list[Path]>", "<多个[路径]>"),
                                         ("台账.xlsx...", "台账.xlsx..."), (None, None)])
def test_type_words(label, shown):
    assert chinese.type_words(label) == shown


def test_a_help_screen_does_not_import_markdown_or_tracebacks():
    """rich.markdown (markdown-it, pygments) and rich.traceback are imported by typer's
    help drawing but never used by kaoping: a help screen does without them (~70 ms)."""
    import subprocess
    import sys

    code = ("import sys\nfrom kaoping.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('markdown_it', 'pygments') or m in ('rich.markdown', 'rich.traceback')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"COLUMNS": "80", "PATH": ""})
    assert "用法" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_deferred_class_is_the_real_one_when_used():
    from fractions import Fraction

    deferred = chinese._deferred_class("fractions", "Fraction")
    assert deferred(1, 2) == Fraction(1, 2) and isinstance(deferred(1, 2), Fraction)
    assert deferred.from_float(0.5) == Fraction(1, 2)


def test_deferred_imports_stand_in_only_while_the_block_runs():
    import sys

    with chinese._deferred_imports({"kaoping_absent_module": "Thing"}):
        from kaoping_absent_module import Thing  # type: ignore[import-not-found]
    assert "kaoping_absent_module" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        Thing()  # used: the real module is imported, and there is none
    import fractions

    with chinese._deferred_imports({"fractions": "Fraction"}):
        from fractions import Fraction
    assert Fraction is fractions.Fraction  # already imported: the real class, no stand-in
