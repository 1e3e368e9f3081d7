"""zero-session-tui: browse, replay and follow ZERO session history."""

__version__ = "0.1.0"
