"""Process exit statuses."""

from __future__ import annotations

from typing import Final

OK: Final = 0
"""The app ran and the user quit."""

BAD_DATABASE: Final = 2
"""A database is missing, not SQLite, corrupt, unreadable or locked; nothing was changed."""

USAGE: Final = 64
"""The command line is wrong (argparse exits with 2 on its own; see ``cli.py``)."""
