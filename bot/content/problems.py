"""What the loader and the checker report: one ``Problem`` per fault, with file, item, field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO_ROOT", "ContentError", "Problem", "display_path", "read_utf8"]

REPO_ROOT = Path(__file__).resolve().parents[2]


def display_path(path: Path) -> str:
    """Show a path relative to the repository (or the working directory), as authors see it."""
    resolved = path.resolve()
    for base in (REPO_ROOT, Path.cwd().resolve()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return resolved.as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    """One fault in the content, located precisely enough to fix without searching."""

    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.item:
            parts.append(self.item)
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)


class ContentError(Exception):
    """Content that cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_utf8(path: Path) -> str:
    """A content file's text; one that is not UTF-8 (saved by an editor in another encoding) is a
    `ContentError` naming the file and the line, not a decoding traceback."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            [
                Problem(
                    display_path(path),
                    f"line {line}",
                    None,
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save the file as UTF-8",
                )
            ]
        ) from exc
