"""The command line in Chinese: typer's help screens and click's usage errors.

Typer 0.29 vendors click as `typer._click` and writes its framework words in English, most
of them not through gettext. kaoping pins typer to 0.29 (pyproject.toml), so the words are
replaced here, in one place, at the points typer looks them up:

- the help screen's panel titles, 默认值 / 必填 marks and the 查看帮助 hint are
  `typer.rich_utils` module strings, read when a screen is drawn (set when typer imports
  the module, by a post-import hook: `rich_utils` imports rich, so a run that draws no help
  screen or error panel never imports it);
- the 用法 line comes from click's `HelpFormatter.write_usage`;
- each usage error's text is its exception's `format_message()`, so a Chinese message is
  what both the error panel and a caller of `make_context` get;
- the --help option's own help and the <类型> column come from typer's parameter classes.

`install()` is idempotent; `kaoping.cli` calls it on import.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

USAGE = "用法："
HELP_OPTION_HELP = "显示本帮助并退出。"

# typer.rich_utils strings, by name (each is a module constant read at drawing time).
RICH_STRINGS = {
    "DEPRECATED_STRING": "（已停用）",
    "DEFAULT_STRING": "[默认值：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "查看帮助：[blue]{command_path} {help_option}[/]",
}

# The metavars typer puts in a usage line.
USAGE_WORDS = (("COMMAND [ARGS]...", "命令 [参数]..."), ("[OPTIONS]", "[选项]"))

# The words of the <类型> column (typer writes Python's type names).
TYPE_WORDS = {"path": "路径", "str": "文字", "int": "整数", "float": "数", "bool": "是/否",
              "list": "多个", "datetime": "日期时间", "file": "文件", "directory": "文件夹"}

# Usage errors raised with a bare English message (click's parser, typer's group).
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), m) for p, m in (
    (r"^Missing command\.$", "缺少命令：请在后面写上要做的事（见下面的命令列表）。"),
    (r"^No such command '(?P<x>.*)'\.$", "没有这个命令：{x}。"),
    (r"^Got unexpected extra argument\(s\) \((?P<x>.*)\)$",
     "多余的参数：{x}。含空格的路径请加英文引号。"),
    (r"^Option '(?P<x>.*)' requires an argument\.$", "选项 {x} 后面缺少值。"),
    (r"^Option '(?P<x>.*)' requires (?P<n>\d+) arguments\.$", "选项 {x} 后面要 {n} 个值。"),
    (r"^Option '(?P<x>.*)' does not take a value\.$", "选项 {x} 是开关，后面不带值。"),
    (r"^Argument '(?P<x>.*)' takes (?P<n>\d+) values\.$", "参数 {x} 要 {n} 个值。"),
    (r"^No such option: (?P<x>.*)$", "没有这个选项：{x}"),
    (r"^Value must be an iterable\.$", "这里要一个或多个值。"),
    # typer's path checks: "<Path|File|Directory> '<name>' <problem>."
    (r"^\w+ (?P<x>'.*') does not exist\.$", "{x} 不存在，请检查路径（含空格的路径请加引号）。"),
    (r"^\w+ (?P<x>'.*') is a file\.$", "{x} 是文件，这里要的是文件夹。"),
    (r"^\w+ (?P<x>'.*') is a directory\.$", "{x} 是文件夹，这里要的是文件。"),
    (r"^\w+ (?P<x>'.*') is not readable\.$", "{x} 无法读取（没有权限？）。"),
    (r"^\w+ (?P<x>'.*') is not writable\.$", "{x} 无法写入（没有权限或只读？）。"),
    (r"^Value (?P<x>.*) is not a valid (?P<t>\w+)\.$", "{x} 不是有效的{t}。"),
))

# Pydantic's validation errors (typer converts option values through pydantic), by type.
_PYDANTIC = {
    "int_parsing": "「{input}」不是整数",
    "int_from_float": "「{input}」不是整数",
    "int_type": "「{input}」不是整数",
    "float_parsing": "「{input}」不是数",
    "float_type": "「{input}」不是数",
    "bool_parsing": "「{input}」不是 是/否（可写 true/false、yes/no、1/0）",
    "greater_than_equal": "「{input}」不能小于 {ge}",
    "greater_than": "「{input}」必须大于 {gt}",
    "less_than_equal": "「{input}」不能大于 {le}",
    "less_than": "「{input}」必须小于 {lt}",
    "literal_error": "「{input}」不是可选的值（可选：{expected}）",
    "enum": "「{input}」不是可选的值（可选：{expected}）",
    "date_from_datetime_parsing": "「{input}」不是日期，请写成 2026-10-15",
    "date_parsing": "「{input}」不是日期，请写成 2026-10-15",
}


def translate(message: str) -> str:
    """A framework message in Chinese (a message that is not one is returned as it is:
    kaoping's own BadParameter texts are Chinese already)."""
    for pattern, text in _MESSAGES:
        if m := pattern.match(message):
            return text.format(**m.groupdict())
    return message


def _pydantic_message(exc: BaseException) -> str | None:
    """The Chinese text of the pydantic error that caused `exc`, if one did."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    try:
        first = errors()[0]
    except (IndexError, TypeError):
        return None
    template = _PYDANTIC.get(first.get("type", ""))
    if template is None:
        return f"「{first.get('input', '')}」无法识别"
    try:
        return template.format(input=first.get("input", ""), **(first.get("ctx") or {}))
    except (KeyError, IndexError):
        return f"「{first.get('input', '')}」无法识别"


def _param_words(param: Any) -> str:
    """'选项 --roster（-r）' or '参数 文件夹': how a message names a parameter."""
    if getattr(param, "param_type_name", "") == "option":
        opts = list(getattr(param, "opts", ()))
        longs = [o for o in opts if o.startswith("--")] or opts
        shorts = [o for o in opts if o not in longs]
        return "选项 " + " / ".join(longs) + (f"（{'、'.join(shorts)}）" if shorts else "")
    name = getattr(param, "metavar", None) or getattr(param, "name", "") or ""
    return f"参数 {name}"


def _hint_words(exc: Any) -> str:
    """The parameter an error is about, from its param or its explicit param_hint."""
    if exc.param is not None:
        return _param_words(exc.param)
    hint = exc.param_hint
    if isinstance(hint, str):
        return hint
    return " / ".join(hint) if hint else ""


def _bad_parameter(exc: Any) -> str:
    what = _pydantic_message(exc) or translate(exc.message)
    where = _hint_words(exc)
    return f"无效的值：{where}：{what}" if where else f"无效的值：{what}"


def _missing_parameter(exc: Any) -> str:
    param = exc.param
    if param is None:
        return f"缺少{exc.param_type or '参数'}{' ' + _hint_words(exc) if exc.param_hint else ''}。"
    head = "缺少" + _param_words(param)
    what = getattr(param, "help", None)
    choices = param.get_missing_message(ctx=exc.ctx) if hasattr(param, "get_missing_message") else ""
    tail = f"：{what}" if what else ""
    if choices:
        tail += "。可选：" + "、".join(c.strip(",\t ") for c in choices.splitlines()[1:])
    return f"{head}{tail}。"


def _no_such_option(exc: Any) -> str:
    text = translate(exc.message)
    if exc.possibilities:
        text += f"（是不是要用：{'、'.join(sorted(exc.possibilities))}？）"
    return text + "。请用 -h 查看本命令的选项。"


def _file_error(exc: Any) -> str:
    return f"无法打开文件「{exc.ui_filename}」：{exc.message}"


def message(exc: Any) -> str:
    """The Chinese text of a click exception (what its error panel shows)."""
    from typer._click import exceptions as ce

    if isinstance(exc, ce.MissingParameter):
        return _missing_parameter(exc)
    if isinstance(exc, ce.BadParameter):
        return _bad_parameter(exc)
    if isinstance(exc, ce.NoSuchOption):
        return _no_such_option(exc)
    if isinstance(exc, ce.FileError):
        return _file_error(exc)
    return translate(exc.message)


def _format_message(self: Any) -> str:
    return message(self)


def type_words(label: str | None) -> str | None:
    """'<path>' → '<路径>', 'list[path]' → '多个[路径]'; a metavar kaoping set stays as it is."""
    if not label:
        return label
    return re.sub(r"[A-Za-z]+", lambda m: TYPE_WORDS.get(m.group(0).lower(), m.group(0)), label)


def _usage_args(args: str) -> str:
    for english, chinese in USAGE_WORDS:
        args = args.replace(english, chinese)
    return args


def _translate_rich_utils() -> None:
    """Set typer.rich_utils' strings: now when it is imported, else as soon as typer imports it
    (it imports rich's markup and tracebacks, ~0.1 s: a run that draws no help screen and no
    error panel does not pay for it)."""
    module = sys.modules.get(_RICH_UTILS)
    if module is not None:
        _set_rich_strings(module)
    elif not any(isinstance(f, _TranslateOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _TranslateOnImport())


_RICH_UTILS = "typer.rich_utils"


def _set_rich_strings(rich_utils: Any) -> None:
    for name, text in RICH_STRINGS.items():
        setattr(rich_utils, name, text)
    highlights = rich_utils.OptionHighlighter.highlights
    pattern = f"(?P<usage>{USAGE})"
    if pattern not in highlights:
        rich_utils.OptionHighlighter.highlights = [*highlights, pattern]


class _TranslateOnImport(importlib.abc.MetaPathFinder):
    """A post-import hook for typer.rich_utils: the other finders find it, and its module
    gets the Chinese strings right after it runs."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != _RICH_UTILS:
            return None
        sys.meta_path.remove(self)  # once; and the real finders answer for the spec
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_and_translate(module: Any) -> None:
            with _deferred_imports(_UNUSED_BY_KAOPING):
                run(module)
            _set_rich_strings(module)

        spec.loader.exec_module = exec_and_translate  # type: ignore[method-assign]
        return spec


# What typer.rich_utils imports but draws only in modes kaoping does not use: Markdown
# (markup_mode "markdown"; kaoping's is "rich") and rich's Traceback (an uncaught exception,
# which kaoping never lets reach typer). Importing them costs ~70 ms of every help screen
# (markdown-it, pygments), about a quarter of `kaoping --help`.
_UNUSED_BY_KAOPING = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


@contextlib.contextmanager
def _deferred_imports(names: dict[str, str]) -> Iterator[None]:
    """While the block runs, `from module import Class` gives a stand-in class that imports
    the real module on first use (a call or an attribute); modules already imported, and
    every later import, are the real ones."""
    stubs = {m: types.ModuleType(m) for m in names if m not in sys.modules}
    for module, stub in stubs.items():
        setattr(stub, names[module], _deferred_class(module, names[module]))
        sys.modules[module] = stub
    try:
        yield
    finally:
        for module, stub in stubs.items():
            if sys.modules.get(module) is stub:
                del sys.modules[module]


def _deferred_class(module: str, name: str) -> type:
    def real() -> Any:
        return getattr(importlib.import_module(module), name)

    class Deferred(type):
        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

        def __getattr__(cls, attr: str) -> Any:
            return getattr(real(), attr)

    return Deferred(name, (), {"__module__": module})


def _wrap_main(main: Callable[..., Any]) -> Callable[..., Any]:
    def chinese_main(self: Any, *args: Any, **kwargs: Any) -> Any:
        _translate_rich_utils()
        return main(self, *args, **kwargs)

    chinese_main.__wrapped__ = main  # type: ignore[attr-defined]
    return chinese_main


def _wrap_write_usage(write_usage: Callable[..., Any]) -> Callable[..., Any]:
    def chinese_write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, _usage_args(args), USAGE if prefix is None else prefix)

    chinese_write_usage.__wrapped__ = write_usage  # type: ignore[attr-defined]
    return chinese_write_usage


def _wrap_help_option(get_help_option: Callable[..., Any]) -> Callable[..., Any]:
    def chinese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    chinese_help_option.__wrapped__ = get_help_option  # type: ignore[attr-defined]
    return chinese_help_option


def _wrap_display_type(display_type_rich: Callable[..., Any]) -> Callable[..., Any]:
    def chinese_display_type(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and not getattr(self, "secondary_opts", None):
            return None  # a switch takes no value: no type to show
        return type_words(display_type_rich(self, ctx))

    chinese_display_type.__wrapped__ = display_type_rich  # type: ignore[attr-defined]
    return chinese_display_type


def _patch(owner: Any, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace owner.name by wrap(owner.name), once (a second install() changes nothing)."""
    current = getattr(owner, name)
    if getattr(current, "__wrapped__", None) is None:
        setattr(owner, name, wrap(current))


def install() -> None:
    """Put the Chinese words in place (idempotent)."""
    from typer import core
    from typer._click import core as click_core
    from typer._click import exceptions as ce
    from typer._click import formatting

    _patch(core, "_main", _wrap_main)
    _patch(formatting.HelpFormatter, "write_usage", _wrap_write_usage)
    _patch(click_core.Command, "get_help_option", _wrap_help_option)
    for cls in (core.TyperOption, core.TyperArgument):
        _patch(cls, "display_type_rich", _wrap_display_type)
    for cls in (ce.ClickException, ce.BadParameter, ce.MissingParameter, ce.NoSuchOption, ce.FileError):
        cls.format_message = _format_message  # type: ignore[method-assign]
