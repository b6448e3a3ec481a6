"""The frozen program's entry point: the ``homeward`` command, as the console script runs it."""

from app.cli import main

raise SystemExit(main())
