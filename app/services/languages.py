"""What ``homeward languages`` and the language pickers report."""

from __future__ import annotations

from app.i18n.catalogs import completeness
from app.i18n.languages import LANGUAGES


def language_report() -> list[dict[str, object]]:
    report: list[dict[str, object]] = []
    for language in LANGUAGES:
        ui, forms = completeness(language.code)
        report.append(
            {
                "code": language.code,
                "name": language.native_name,
                "english_name": language.english_name,
                "script": language.script,
                "direction": language.direction,
                "form_language": language.forms,
                "ui": {
                    "translated": ui.translated,
                    "total": ui.total,
                    "percent": round(100 * ui.ratio, 1),
                },
                "forms": {
                    "translated": forms.translated,
                    "total": forms.total,
                    "percent": round(100 * forms.ratio, 1),
                },
            }
        )
    return report
