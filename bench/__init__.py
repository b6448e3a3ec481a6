"""Homeward's benchmark: ``python -m bench --cases 100000`` prints one JSON document with
every figure of issue 16, each beside a baseline measured in the same run. Not a test."""
