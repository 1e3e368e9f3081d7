"""The app's controllers: plain classes with one job each, built and owned by the app.

Each takes the app (its widgets, catalog, clock) and the one ``BrowsingState``; Textual's
message handlers stay on the app and delegate here. Thread work goes through
``workers.run_in_thread``.
"""
