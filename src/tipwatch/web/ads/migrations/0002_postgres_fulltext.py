"""PostgreSQL only: a GIN index for full-text search over title and body (no-op elsewhere).

The expression must match the one in tipwatch/web/ads/search.py:text_matches.
"""

from django.db import migrations

INDEX = "ads_ad_fts_simple_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON ads_ad USING gin "
        "(to_tsvector('simple'::regconfig, \"title\" || ' ' || \"body\"))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
