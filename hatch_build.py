"""Build hook: compile the gettext catalogs into the wheel, so installs never carry stale
binaries and the repository carries none."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._folder = tempfile.TemporaryDirectory()
        out = Path(self._folder.name)
        for po in sorted(Path(self.root, "translations").glob("*/LC_MESSAGES/homeward.po")):
            lang = po.parent.parent.name
            with open(po, "rb") as handle:
                catalog = read_po(handle, locale=lang)
            target = out / f"{lang}.mo"
            with open(target, "wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            build_data["force_include"][str(target)] = (
                f"app/_data/translations/{lang}/LC_MESSAGES/homeward.mo"
            )

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        self._folder.cleanup()
