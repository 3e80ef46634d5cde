"""The database refuses UPDATE and DELETE on the event log (issue: append-only, §8.1 audit).

A row trigger, so it holds for every client of the database, not only for Django. Only a
superuser who disables the trigger can change a row, and `verify_events` then finds it.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION workflow_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'workflow_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER workflow_event_append_only
    BEFORE UPDATE OR DELETE ON workflow_event
    FOR EACH ROW EXECUTE FUNCTION workflow_event_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS workflow_event_append_only ON workflow_event;
DROP FUNCTION IF EXISTS workflow_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
