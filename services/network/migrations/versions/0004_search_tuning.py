"""PostgreSQL search: each organisation's fields of work and languages as arrays on its own row.

Counting these facets over a search's matches looked up every match in organization_field_of_work
and organization_language (two index probes per match; EXPLAIN ANALYZE at 100,000 organisations:
80 % of a broad search's time). The arrays come with the row the text search reads anyway; GIN
indexes serve ``&&`` filters. Triggers on the association tables keep them, so raw SQL writes
stay in sync too. SQLite has its own narrow facet table (0002_search): nothing changes there.

Objects with an ``fts`` word in their name are ignored by the models-vs-migrations comparison.

Revision ID: 0004_search_tuning
Revises: 0003_merge
"""

from alembic import op

revision = "0004_search_tuning"
down_revision = "0003_merge"
branch_labels = None
depends_on = None

# (association table, its value column, the array column on organization)
ARRAYS = (
    ("organization_field_of_work", "term", "fts_fields_of_work"),
    ("organization_language", "code", "fts_languages"),
)


def _values(table: str, column: str, org_id: str) -> str:
    return f"array(SELECT {column} FROM {table} WHERE organization_id = {org_id} ORDER BY {column})"


def _refresh(table: str, column: str, array: str, row: str) -> str:
    values = _values(table, column, f"{row}.organization_id")
    return f"UPDATE organization SET {array} = {values} WHERE id = {row}.organization_id;"


def _up(table: str, column: str, array: str) -> list[str]:
    return [
        f"ALTER TABLE organization ADD COLUMN {array} TEXT[] NOT NULL DEFAULT '{{}}'",
        f"UPDATE organization SET {array} = {_values(table, column, 'organization.id')}",
        f"CREATE INDEX ix_organization_{array} ON organization USING gin ({array})",
        f"""CREATE FUNCTION {table}_fts_array() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN {_refresh(table, column, array, "OLD")} END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN {_refresh(table, column, array, "NEW")} END IF;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {table}_fts_array AFTER INSERT OR DELETE OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_fts_array()""",
    ]


def _down(table: str, array: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_fts_array ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_fts_array()",
        f"DROP INDEX IF EXISTS ix_organization_{array}",
        f"ALTER TABLE organization DROP COLUMN IF EXISTS {array}",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, array in ARRAYS:
        for statement in _up(table, column, array):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, _, array in ARRAYS:
        for statement in _down(table, array):
            op.execute(statement)
