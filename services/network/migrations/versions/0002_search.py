"""Full-text search over organisations, kept in sync by the database itself.

SQLite: an FTS5 external-content table ``organization_fts`` over organization's name, description,
city and municipality (``unicode61 remove_diacritics 2``: "Koln" finds "Köln"; prefix indexes for
type-ahead), with triggers on every insert, update and delete, so raw SQL writes stay in sync too.
Its rowids are organization's rowids: a table rebuild (batch ALTER, VACUUM) must be followed by
``INSERT INTO organization_fts(organization_fts) VALUES('rebuild')`` and the triggers re-created.

PostgreSQL: a generated ``fts_document`` tsvector column (``german`` config; name weighted A,
description B, places C) with a GIN index.

Objects with an ``fts`` word in their name are ignored by the models-vs-migrations comparison
(``shared.migrations.include_object``).

Revision ID: 0002_search
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0002_search"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_COLUMNS = "name, description, city, municipality"
SQLITE_UP = [
    f"""CREATE VIRTUAL TABLE organization_fts USING fts5(
        {SQLITE_COLUMNS}, content='organization', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER organization_fts_insert AFTER INSERT ON organization BEGIN
        INSERT INTO organization_fts(rowid, {SQLITE_COLUMNS})
        VALUES (new.rowid, new.name, new.description, new.city, new.municipality);
    END""",
    f"""CREATE TRIGGER organization_fts_delete AFTER DELETE ON organization BEGIN
        INSERT INTO organization_fts(organization_fts, rowid, {SQLITE_COLUMNS})
        VALUES ('delete', old.rowid, old.name, old.description, old.city, old.municipality);
    END""",
    f"""CREATE TRIGGER organization_fts_update
    AFTER UPDATE OF {SQLITE_COLUMNS} ON organization BEGIN
        INSERT INTO organization_fts(organization_fts, rowid, {SQLITE_COLUMNS})
        VALUES ('delete', old.rowid, old.name, old.description, old.city, old.municipality);
        INSERT INTO organization_fts(rowid, {SQLITE_COLUMNS})
        VALUES (new.rowid, new.name, new.description, new.city, new.municipality);
    END""",
    "INSERT INTO organization_fts(organization_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS organization_fts_update",
    "DROP TRIGGER IF EXISTS organization_fts_delete",
    "DROP TRIGGER IF EXISTS organization_fts_insert",
    "DROP TABLE IF EXISTS organization_fts",
]

POSTGRES_UP = [
    """ALTER TABLE organization ADD COLUMN fts_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german', coalesce(name, '')), 'A')
        || setweight(to_tsvector('german', coalesce(description, '')), 'B')
        || setweight(to_tsvector('german', coalesce(city, '') || ' ' || coalesce(municipality, '')), 'C')
    ) STORED""",
    "CREATE INDEX ix_organization_fts ON organization USING gin (fts_document)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS ix_organization_fts",
    "ALTER TABLE organization DROP COLUMN IF EXISTS fts_document",
]

# Facet counts of the unfiltered registry (the search page before anyone types) per status, kept
# by triggers: counting 100,000 organisations' terms on every page view is what made it slow.
COUNTS_TABLE = """CREATE TABLE organization_fts_counts (
    facet VARCHAR(20) NOT NULL, value VARCHAR(120) NOT NULL, status VARCHAR(20) NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT pk_organization_fts_counts PRIMARY KEY (facet, value, status))"""
COUNTS_FILL = """INSERT INTO organization_fts_counts (facet, value, status, n)
    SELECT 'type', type, status, count(*) FROM organization GROUP BY type, status
    UNION ALL SELECT 'district', district, status, count(*) FROM organization GROUP BY district, status
    UNION ALL SELECT 'status', status, status, count(*) FROM organization GROUP BY status
    UNION ALL SELECT 'field_of_work', f.term, o.status, count(*) FROM organization_field_of_work f
        JOIN organization o ON o.id = f.organization_id GROUP BY f.term, o.status
    UNION ALL SELECT 'language', l.code, o.status, count(*) FROM organization_language l
        JOIN organization o ON o.id = l.organization_id GROUP BY l.code, o.status"""
UPSERT = "ON CONFLICT (facet, value, status) DO UPDATE SET n = organization_fts_counts.n + excluded.n"
TERM_TABLES = (("field_of_work", "organization_field_of_work", "term"), ("language", "organization_language", "code"))


def _bump(facet: str, value: str, status: str, delta: int) -> str:
    return f"INSERT INTO organization_fts_counts (facet, value, status, n) VALUES ('{facet}', {value}, {status}, {delta}) {UPSERT};"


def _bump_terms(row: str, status: str, delta: int) -> str:
    """Move every term of one organisation between statuses (its status changed)."""
    return "\n".join(
        f"INSERT INTO organization_fts_counts (facet, value, status, n) SELECT '{facet}', {column}, {status}, {delta} "
        f"FROM {table} WHERE organization_id = {row}.id {UPSERT};"
        for facet, table, column in TERM_TABLES
    )


def _bump_organization(row: str, delta: int) -> str:
    return "\n".join(
        _bump(facet, f"{row}.{column}", f"{row}.status", delta)
        for facet, column in (("type", "type"), ("district", "district"), ("status", "status"))
    )


# SQLite only: each organisation's facet values with its status, keyed by its integer rowid. Facet
# counts over a search's matches then read this narrow table alone instead of wide organisation rows
# joined by 36-character ids (measured: 5-10x faster at 100,000 organisations).
SQLITE_TERMS = [
    """CREATE TABLE organization_fts_terms (
        org_rowid INTEGER NOT NULL, facet VARCHAR(20) NOT NULL, value VARCHAR(120) NOT NULL,
        status VARCHAR(20) NOT NULL,
        CONSTRAINT pk_organization_fts_terms PRIMARY KEY (org_rowid, facet, value)) WITHOUT ROWID""",
    "CREATE INDEX ix_organization_fts_terms_value ON organization_fts_terms (facet, value, status, org_rowid)",
    """INSERT INTO organization_fts_terms (org_rowid, facet, value, status)
        SELECT rowid, 'type', type, status FROM organization
        UNION ALL SELECT rowid, 'district', district, status FROM organization
        UNION ALL SELECT o.rowid, 'field_of_work', f.term, o.status FROM organization_field_of_work f
            JOIN organization o ON o.id = f.organization_id
        UNION ALL SELECT o.rowid, 'language', l.code, o.status FROM organization_language l
            JOIN organization o ON o.id = l.organization_id""",
    """CREATE TRIGGER organization_fts_terms_insert AFTER INSERT ON organization BEGIN
        INSERT INTO organization_fts_terms (org_rowid, facet, value, status)
        VALUES (new.rowid, 'type', new.type, new.status), (new.rowid, 'district', new.district, new.status);
    END""",
    """CREATE TRIGGER organization_fts_terms_delete AFTER DELETE ON organization BEGIN
        DELETE FROM organization_fts_terms WHERE org_rowid = old.rowid;
    END""",
    """CREATE TRIGGER organization_fts_terms_update AFTER UPDATE OF type, district, status ON organization BEGIN
        UPDATE organization_fts_terms SET value = new.type WHERE org_rowid = old.rowid AND facet = 'type';
        UPDATE organization_fts_terms SET value = new.district WHERE org_rowid = old.rowid AND facet = 'district';
        UPDATE organization_fts_terms SET status = new.status WHERE org_rowid = old.rowid;
    END""",
]


# SQLite only: one row per organisation with every facet value it has as a one-character code
# (organization_fts_codes; multi-valued facets as a string of codes), keyed by its integer rowid.
# A search counts all its facets in one pass over its matches: a group_concat(code, '') per facet,
# which the caller counts with str.count per known code. No GROUP BY, so SQLite sorts nothing, and
# no per-value Python objects (measured: 10x faster than grouping organization_fts_terms).
CODES_TABLE = """CREATE TABLE organization_fts_codes (
    code INTEGER PRIMARY KEY, facet VARCHAR(20) NOT NULL, value VARCHAR(120) NOT NULL,
    CONSTRAINT uq_organization_fts_codes UNIQUE (facet, value))"""
# Code n is the character U+0100 + n, skipping the surrogates (services.search.code_char agrees).
CODE_CHAR = "char(CASE WHEN {code} < 55040 THEN 256 + {code} ELSE 2304 + {code} END)"


def _code(facet: str, value: str) -> str:
    return (
        f"(SELECT {CODE_CHAR.format(code='code')} FROM organization_fts_codes "
        f"WHERE facet = '{facet}' AND value = {value})"
    )


def _code_list(facet: str, table: str, column: str, org_id: str) -> str:
    return (
        f"coalesce((SELECT group_concat({CODE_CHAR.format(code='c.code')}, '') FROM {table} t "
        f"JOIN organization_fts_codes c ON c.facet = '{facet}' AND c.value = t.{column} "
        f"WHERE t.organization_id = {org_id}), '')"
    )


def _new_codes(row: str) -> str:
    return (
        "INSERT OR IGNORE INTO organization_fts_codes (facet, value) VALUES "
        f"('status', {row}.status), ('type', {row}.type), ('district', {row}.district);"
    )


def _facet_values(row: str, org_id: str) -> str:
    lists = ", ".join(_code_list(facet, table, column, org_id) for facet, table, column in TERM_TABLES)
    return (
        f"{_code('status', row + '.status')}, {_code('type', row + '.type')}, "
        f"{_code('district', row + '.district')}, {lists}"
    )


FACET_LIST_COLUMNS = {"field_of_work": "fields_of_work", "language": "languages"}


def _sqlite_facets() -> list[str]:
    statements = [
        CODES_TABLE,
        """CREATE TABLE organization_fts_facets (
            org_rowid INTEGER PRIMARY KEY, status VARCHAR(1), type VARCHAR(1), district VARCHAR(1),
            fields_of_work TEXT NOT NULL DEFAULT '', languages TEXT NOT NULL DEFAULT '')""",
        """INSERT OR IGNORE INTO organization_fts_codes (facet, value)
            SELECT 'status', status FROM organization UNION SELECT 'type', type FROM organization
            UNION SELECT 'district', district FROM organization
            UNION SELECT 'field_of_work', term FROM organization_field_of_work
            UNION SELECT 'language', code FROM organization_language""",
        f"""INSERT INTO organization_fts_facets (org_rowid, status, type, district, fields_of_work, languages)
            SELECT rowid, {_facet_values('organization', 'organization.id')} FROM organization""",
        f"""CREATE TRIGGER organization_fts_facets_insert AFTER INSERT ON organization BEGIN
            {_new_codes('new')}
            INSERT INTO organization_fts_facets (org_rowid, status, type, district, fields_of_work, languages)
            VALUES (new.rowid, {_facet_values('new', 'new.id')});
        END""",
        """CREATE TRIGGER organization_fts_facets_delete AFTER DELETE ON organization BEGIN
            DELETE FROM organization_fts_facets WHERE org_rowid = old.rowid;
        END""",
        f"""CREATE TRIGGER organization_fts_facets_update
        AFTER UPDATE OF type, district, status ON organization BEGIN
            {_new_codes('new')}
            UPDATE organization_fts_facets SET status = {_code('status', 'new.status')},
                type = {_code('type', 'new.type')}, district = {_code('district', 'new.district')}
            WHERE org_rowid = new.rowid;
        END""",
    ]
    for facet, table, column in TERM_TABLES:
        def refresh(row: str, facet: str = facet, table: str = table, column: str = column) -> str:
            return (
                f"UPDATE organization_fts_facets SET {FACET_LIST_COLUMNS[facet]} = "
                f"{_code_list(facet, table, column, row + '.organization_id')} "
                f"WHERE org_rowid = (SELECT rowid FROM organization WHERE id = {row}.organization_id);"
            )

        code = (
            f"INSERT OR IGNORE INTO organization_fts_codes (facet, value) VALUES ('{facet}', new.{column});"
        )
        statements += [
            f"CREATE TRIGGER {table}_fts_facets_insert AFTER INSERT ON {table} BEGIN "
            f"{code} {refresh('new')} END",
            f"CREATE TRIGGER {table}_fts_facets_delete AFTER DELETE ON {table} BEGIN {refresh('old')} END",
            f"CREATE TRIGGER {table}_fts_facets_update AFTER UPDATE ON {table} BEGIN "
            f"{code} {refresh('old')} {refresh('new')} END",
        ]
    return statements


def _sqlite_terms() -> list[str]:
    statements = list(SQLITE_TERMS)
    for facet, table, column in TERM_TABLES:
        insert = (
            f"INSERT OR IGNORE INTO organization_fts_terms (org_rowid, facet, value, status) "
            f"SELECT rowid, '{facet}', new.{column}, status FROM organization WHERE id = new.organization_id;"
        )
        delete = (
            f"DELETE FROM organization_fts_terms WHERE facet = '{facet}' AND value = old.{column} "
            f"AND org_rowid = (SELECT rowid FROM organization WHERE id = old.organization_id);"
        )
        statements += [
            f"CREATE TRIGGER {table}_fts_terms_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER {table}_fts_terms_delete AFTER DELETE ON {table} BEGIN {delete} END",
            f"CREATE TRIGGER {table}_fts_terms_update AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
        ]
    return statements


def _sqlite_counts() -> list[str]:
    statements = [
        COUNTS_TABLE,
        COUNTS_FILL,
        f"CREATE TRIGGER organization_fts_counts_insert AFTER INSERT ON organization BEGIN {_bump_organization('new', 1)} END",
        f"CREATE TRIGGER organization_fts_counts_delete AFTER DELETE ON organization BEGIN {_bump_organization('old', -1)} END",
        f"""CREATE TRIGGER organization_fts_counts_update AFTER UPDATE OF type, district, status ON organization BEGIN
            {_bump_organization('old', -1)} {_bump_terms('old', 'old.status', -1)}
            {_bump_organization('new', 1)} {_bump_terms('new', 'new.status', 1)}
        END""",
    ]
    for facet, table, column in TERM_TABLES:
        def term(row: str, delta: int, facet: str = facet, column: str = column) -> str:
            return (
                f"INSERT INTO organization_fts_counts (facet, value, status, n) SELECT '{facet}', {row}.{column}, "
                f"status, {delta} FROM organization WHERE id = {row}.organization_id {UPSERT};"
            )

        statements += [
            f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN {term('new', 1)} END",
            f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN {term('old', -1)} END",
            f"CREATE TRIGGER {table}_fts_update AFTER UPDATE ON {table} BEGIN {term('old', -1)} {term('new', 1)} END",
        ]
    return statements


def _postgres_counts() -> list[str]:
    return [
        COUNTS_TABLE,
        COUNTS_FILL,
        f"""CREATE FUNCTION organization_fts_counts_organization() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                {_bump_organization('OLD', -1)}
                IF TG_OP = 'UPDATE' THEN {_bump_terms('OLD', 'OLD.status', -1)} END IF;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                {_bump_organization('NEW', 1)}
                IF TG_OP = 'UPDATE' THEN {_bump_terms('NEW', 'NEW.status', 1)} END IF;
            END IF;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER organization_fts_counts AFTER INSERT OR DELETE OR UPDATE OF type, district, status
            ON organization FOR EACH ROW EXECUTE FUNCTION organization_fts_counts_organization()""",
        # TG_ARGV: the facet and the term column of the association table the trigger sits on.
        f"""CREATE FUNCTION organization_fts_counts_term() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                INSERT INTO organization_fts_counts (facet, value, status, n)
                SELECT TG_ARGV[0], to_jsonb(OLD) ->> TG_ARGV[1], status, -1 FROM organization
                WHERE id = OLD.organization_id {UPSERT};
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                INSERT INTO organization_fts_counts (facet, value, status, n)
                SELECT TG_ARGV[0], to_jsonb(NEW) ->> TG_ARGV[1], status, 1 FROM organization
                WHERE id = NEW.organization_id {UPSERT};
            END IF;
            RETURN NULL;
        END $$""",
        *(
            f"""CREATE TRIGGER {table}_fts AFTER INSERT OR DELETE OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION organization_fts_counts_term('{facet}', '{column}')"""
            for facet, table, column in TERM_TABLES
        ),
    ]


COUNTS_DOWN = {
    "sqlite": [
        *(f"DROP TRIGGER IF EXISTS organization_fts_counts_{verb}" for verb in ("insert", "delete", "update")),
        *(
            f"DROP TRIGGER IF EXISTS {table}_fts_{verb}"
            for _, table, _ in TERM_TABLES
            for verb in ("insert", "delete", "update")
        ),
        "DROP TABLE IF EXISTS organization_fts_counts",
        *(f"DROP TRIGGER IF EXISTS organization_fts_terms_{verb}" for verb in ("insert", "delete", "update")),
        *(
            f"DROP TRIGGER IF EXISTS {table}_fts_terms_{verb}"
            for _, table, _ in TERM_TABLES
            for verb in ("insert", "delete", "update")
        ),
        "DROP TABLE IF EXISTS organization_fts_terms",
        *(
            f"DROP TRIGGER IF EXISTS organization_fts_facets_{verb}"
            for verb in ("insert", "delete", "update")
        ),
        *(
            f"DROP TRIGGER IF EXISTS {table}_fts_facets_{verb}"
            for _, table, _ in TERM_TABLES
            for verb in ("insert", "delete", "update")
        ),
        "DROP TABLE IF EXISTS organization_fts_facets",
        "DROP TABLE IF EXISTS organization_fts_codes",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS organization_fts_counts ON organization",
        *(f"DROP TRIGGER IF EXISTS {table}_fts ON {table}" for _, table, _ in TERM_TABLES),
        "DROP FUNCTION IF EXISTS organization_fts_counts_organization()",
        "DROP FUNCTION IF EXISTS organization_fts_counts_term()",
        "DROP TABLE IF EXISTS organization_fts_counts",
    ],
}


# Search reads these indexes only: facet counts by status, name-ordered pages, term lookups.
INDEXES = [
    ("ix_organization_status_type", "organization", ["status", "type"]),
    ("ix_organization_status_name", "organization", ["status", "name", "id"]),
    ("ix_organization_name", "organization", ["name", "id"]),
    ("ix_organization_field_of_work_term_org", "organization_field_of_work", ["term", "organization_id"]),
    ("ix_organization_language_code_org", "organization_language", ["code", "organization_id"]),
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if up:
            return SQLITE_UP + _sqlite_counts() + _sqlite_terms() + _sqlite_facets()
        return COUNTS_DOWN[dialect] + SQLITE_DOWN
    if dialect == "postgresql":
        return POSTGRES_UP + _postgres_counts() if up else COUNTS_DOWN[dialect] + POSTGRES_DOWN
    return []


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for statement in _statements(up=True):
        op.execute(statement)
    op.create_table(
        "import_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("finished_at", shared.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_job"),
    )


def downgrade() -> None:
    op.drop_table("import_job")
    for statement in _statements(up=False):
        op.execute(statement)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
