"""Modal screens: help, welcome, one event in full."""
