"""The app's widgets, one area per module."""
