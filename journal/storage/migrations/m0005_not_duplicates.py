"""Version 5: pairs of customers the owner said are not duplicates."""

from peewee import DateTimeField, ForeignKeyField, Model


def up(db):
    class Customer(Model):  # frozen: only the key is needed
        class Meta:
            database = db
            table_name = "customer"

    class NotDuplicate(Model):
        first = ForeignKeyField(Customer, on_delete="CASCADE")
        second = ForeignKeyField(Customer, on_delete="CASCADE")
        decided_at = DateTimeField()

        class Meta:
            database = db
            table_name = "not_duplicate"
            legacy_table_names = False  # index names as models.py makes them
            indexes = ((("first", "second"), True),)

    db.create_tables([NotDuplicate])
