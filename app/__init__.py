"""Homeward: offline-first counselling for Assisted Voluntary Return and Reintegration."""

__version__ = "0.1.0"
