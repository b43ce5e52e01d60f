"""The main window, its actions, settings and the app's start."""
