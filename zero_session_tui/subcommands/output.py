"""What the subcommands print: plain UTF-8 lines, a fixed-width table, a streamed JSON array.

Everything printed is already inert (``sanitize``): no escape sequence, control or bidi
character reaches the terminal or the pipe, whatever the database holds, and nothing is ever
coloured. Bytes are written (UTF-8 whatever the locale says), so a visible code such as
``⟨U+202E⟩`` never fails to encode under ``LANG=C``.

A reader that stops early (``| head -1``) closes the pipe: the next write raises
``PipeClosed``, and the command ends with ``exit_codes.PIPE_CLOSED`` (see ``runner``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

__all__ = ["Column", "Output", "PipeClosed", "heading_line", "table_line"]


class PipeClosed(Exception):
    """The reader of standard output went away (a closed pipe)."""


class Output:
    """Standard output as the subcommands write it: bytes, through the stream's own buffer
    (a pipe gets it in 8 KiB blocks as it is read, never all of it at the end)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except BrokenPipeError:
            raise PipeClosed from None

    def line(self, text: str = "") -> None:
        self.write(text.encode("utf-8", "surrogatepass") + b"\n")

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def chunks(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def json_array(self, records: Iterable[dict[str, Any]]) -> None:
        """One JSON array, an element a line, streamed: ``[``, the records, ``]``. ASCII
        only (every control or invisible character is a ``\\u`` escape)."""
        self.write(b"[")
        first = True
        for record in records:
            self.write(b"\n" if first else b",\n")
            self.write(json.dumps(record, ensure_ascii=True).encode())
            first = False
        self.write(b"]\n" if first else b"\n]\n")

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise PipeClosed from None


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a plain table: its heading, its width (0: as wide as the text, for the
    last column), and whether it is right-aligned (numbers)."""

    heading: str
    width: int = 0
    right: bool = False


def _cell(text: str, column: Column) -> str:
    if not column.width:
        return text
    if len(text) > column.width:
        text = text[: column.width - 1] + "\u2026"
    return text.rjust(column.width) if column.right else text.ljust(column.width)


def table_line(columns: Sequence[Column], cells: Sequence[str]) -> str:
    """One line of a fixed-width table: two spaces between columns, no trailing spaces.
    Fixed widths let a table stream: a row is printed as soon as it is read."""
    return "  ".join(
        _cell(text, column) for column, text in zip(columns, cells, strict=True)
    ).rstrip()


def heading_line(columns: Sequence[Column]) -> str:
    return table_line(columns, [column.heading for column in columns])
