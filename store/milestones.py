"""Milestone keys: constants, never loose strings."""

from __future__ import annotations

from typing import Final

__all__ = ["FIRST_LIVE_TRADE_AT", "LAST_DAILY_WRAP_AT", "WELCOME_SHOWN"]

WELCOME_SHOWN: Final = "welcome_shown"
"""The welcome has been shown once."""

FIRST_LIVE_TRADE_AT: Final = "first_live_trade_at"
"""RFC 3339 time of the operator's first live trade; set once, never rewritten."""

LAST_DAILY_WRAP_AT: Final = "last_daily_wrap_at"
"""When the last wrap was written."""
