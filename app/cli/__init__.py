"""The ``homeward`` command; without a sub-command it starts the desktop app.

One module per group of commands (installation, cases, accounts, office, data, keys,
exchange, audit), the argparse tree in :mod:`app.cli.parser`, what they share in
:mod:`app.cli.common`, and :func:`main` in :mod:`app.cli.dispatch`, which imports a
command's module only when that command runs.
"""

from app.cli.dispatch import main

__all__ = ["main"]
