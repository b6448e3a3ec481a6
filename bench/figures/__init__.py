"""The figures, one module each, in the order they run. Each module has ``FIGURES`` (the keys
it reports) and ``measure(context) -> {key: figure}``, run in a child process of its own, so
that one that fails or crashes reports an error and the others still run."""

MODULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cold_start", ("cold_start", "gui_memory")),
    ("search", ("search_keystroke",)),
    ("open_case", ("open_case",)),
    ("print_form", ("print_request_en", "print_request_ar")),
    ("scroll", ("scroll_to_end",)),
    ("close_session", ("close_deep_session",)),
    ("cases_json", ("cases_json_memory", "cases_json_time")),
    ("demo", ("demo",)),
    ("autosave", ("autosave",)),
    ("bundles", ("export", "import", "export_memory", "import_memory")),
)
