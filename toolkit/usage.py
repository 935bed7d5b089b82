"""click's usage errors in Vietnamese, told apart by their exception class and the parameter's type.

The English original (click's own message) is shown below the sentence; nothing here reads its text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import click


def usage_vi(exc: click.UsageError, args: Sequence[str] = (), root: click.Group | None = None) -> str:
    """One Vietnamese sentence for a click usage error.

    `args` is the command line (to find a bad value), `root` the command group (to find an option's command
    when click raised the error before it made a context).
    """
    ctx, param = exc.ctx, getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None) or (param.get_error_hint(ctx) if param is not None and ctx else "")
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (param.param_type_name if param is not None else "option")
        return f"Thiếu {'đối số' if kind == 'argument' else 'tùy chọn'} {hint}."
    if isinstance(exc, click.BadParameter):
        return f"Giá trị không hợp lệ cho {hint}: {_bad_value(param, _value_of(param, args))}"
    if isinstance(exc, click.NoSuchOption):
        return f"Không có tùy chọn {exc.option_name}."
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return f"Không có lệnh '{exc.command_name}'."
    if isinstance(exc, click.BadOptionUsage):
        command = ctx.command if ctx else _command_of(root, args)
        option = next((p for p in (command.params if command else ()) if exc.option_name in p.opts), None)
        if isinstance(option, click.Option) and option.is_flag:
            return f"Tùy chọn {exc.option_name} không nhận giá trị."
        return f"Tùy chọn {exc.option_name} cần một giá trị."
    if ctx is not None and isinstance(ctx.command, click.Group):
        return "Thiếu tên lệnh (xem aidkit --help)."
    return "Thừa đối số (xem aidkit <lệnh> --help)."


def _command_of(root: click.Group | None, args: Sequence[str]) -> click.Command | None:
    """The subcommand named on the command line."""
    names = root.commands if root is not None else {}
    return next((names[arg] for arg in args if arg in names), None)


def _value_of(param: click.Parameter | None, args: Sequence[str]) -> str | None:
    """The value an option was given on the command line (None for an argument, or when not found)."""
    if not isinstance(param, click.Option):
        return None
    for i, arg in enumerate(args):
        for opt in param.opts:
            if arg == opt and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(opt + "="):
                return arg[len(opt) + 1 :]
    return None


def _bad_value(param: click.Parameter | None, value: str | None) -> str:
    kind = param.type if param is not None else None
    if isinstance(kind, click.Path):
        return _bad_path(kind, value)
    if isinstance(kind, click.Choice):
        return f"phải là một trong các giá trị {', '.join(map(str, kind.choices))}."
    if isinstance(kind, click.types._NumberRangeBase):
        whole = isinstance(kind, click.IntRange)
        if value is not None and not _is_number(value, whole):
            return f'"{value}" không phải là {"số nguyên" if whole else "số"}.'
        low = "" if kind.min is None else f"từ {kind.min}"
        high = "" if kind.max is None else f"đến {kind.max}"
        return f"{value or 'giá trị'} nằm ngoài khoảng cho phép ({' '.join(filter(None, (low, high)))})."
    if kind in (click.INT, click.FLOAT):
        return f'"{value}" không phải là số.' if value is not None else "cần một số."
    return "giá trị không dùng được."


def _bad_path(kind: click.Path, value: str | None) -> str:
    if value is None:
        return "cần một đường dẫn có sẵn." if kind.exists else "đường dẫn không dùng được."
    if not os.path.exists(value):
        return f'không tìm thấy "{value}".'
    if os.path.isdir(value) and not kind.dir_okay:
        return f'"{value}" là một thư mục, không phải một tệp.'
    if not os.path.isdir(value) and not kind.file_okay:
        return f'"{value}" là một tệp, không phải một thư mục.'
    return f'không đọc hoặc ghi được "{value}".'


def _is_number(text: str, whole: bool) -> bool:
    try:
        int(text) if whole else float(text)
    except ValueError:
        return False
    return True
