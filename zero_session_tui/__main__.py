"""Command-line entry point."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    raise SystemExit("zero-session-tui: the app lands with issue 3")


if __name__ == "__main__":
    raise SystemExit(main())
