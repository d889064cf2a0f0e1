"""Errors that stop a command. Their message is Chinese and names the file (and cell)."""

from __future__ import annotations


class KaopingError(Exception):
    """A problem the user must fix; the CLI prints it without a traceback and exits 2."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None) -> None:
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.where() + message)

    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet and f"工作表「{self.sheet}」", self.cell) if p]
        return ("，".join(parts) + "：") if parts else ""


class NoFormsError(KaopingError):
    """Not one form of the period in the folder: nothing is checked or written (exit 2).
    `findings`: what reading the folder found (unreadable files…), shown on screen."""

    def __init__(self, message: str, *, findings: list | None = None, file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.findings = list(findings or [])


class OutputExistsError(KaopingError):
    """An output file exists and --force was not given."""


class UnreadableWorkbookError(KaopingError):
    """A file that cannot be read as an .xlsx workbook (corrupt, encrypted, .xls, too big…)."""


class ErrorsLeftError(KaopingError):
    """错误 remain in a run, so no filing is written (a wrong input never produces a
    filing); `errors`: how many. Filings with errors are written only when explicitly
    allowed, and then each says so (未通过检查)."""

    def __init__(self, errors: int) -> None:
        super().__init__(f"仍有 {errors} 条错误，未输出备案材料；请按问题清单改正后重试")
        self.errors = errors
