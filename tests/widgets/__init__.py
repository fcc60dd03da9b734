"""Tests of console.widgets (pytest-qt, offscreen): tables, main window, work, quality, wallboard."""
