"""Alembic environment: Homeward hands in an open connection to its encrypted store."""

from __future__ import annotations

from alembic import context

from app.store.models import Base
from app.store.search import is_search_table
from app.store.types import UtcDateTime

config = context.config


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # The full-text index is an FTS5 virtual table made by hand in the migrations; its
    # shadow tables are not models, so autogenerate must not see them.
    return not (type_ == "table" and name is not None and is_search_table(name))


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Revisions must not import app code that later changes; UTC handling is in the model.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Homeward runs migrations with an open connection only")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Homeward does not write offline migration scripts")
run_migrations_online()
