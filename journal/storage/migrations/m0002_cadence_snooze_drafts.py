"""Version 2: a tag can carry a stay-in-touch cadence; attention items can be
snoozed; dialogs keep drafts of what is being typed."""

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    # Frozen copies of the tables as they are at version 2, so later edits to
    # models.py never change what this step does.
    class Customer(Model):
        class Meta:
            database = db
            table_name = "customer"

    class Snooze(Model):
        customer = ForeignKeyField(Customer, on_delete="CASCADE")
        reason = CharField()
        until = DateField()

        class Meta:
            database = db
            table_name = "snooze"
            indexes = ((("customer", "reason"), True),)

    class Draft(Model):
        key = CharField(primary_key=True)
        payload = TextField()
        saved_at = DateTimeField()

        class Meta:
            database = db
            table_name = "draft"

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("tag", "cadence_days", IntegerField(null=True)))
    db.create_tables([Snooze, Draft])
