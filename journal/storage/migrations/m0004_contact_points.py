"""Version 4: more than one e-mail address, phone and postal address per
customer (a contact card often has several, each labelled home or work)."""

from peewee import AutoField, CharField, ForeignKeyField, IntegerField, Model, TextField


def up(db):
    class Customer(Model):  # frozen: only the key is needed
        class Meta:
            database = db
            table_name = "customer"

    class ContactPoint(Model):
        id = AutoField()
        customer = ForeignKeyField(Customer, on_delete="CASCADE")
        kind = CharField()
        label = CharField(default="")
        value = TextField()
        position = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "contact_point"
            legacy_table_names = False
            indexes = ((("customer", "position"), False),)

    db.create_tables([ContactPoint])
