"""Version 3: where each customer sits in the connection graph."""

from peewee import DoubleField, ForeignKeyField, Model


def up(db):
    class Customer(Model):  # frozen: only the key is needed
        class Meta:
            database = db
            table_name = "customer"

    class GraphPosition(Model):
        customer = ForeignKeyField(Customer, primary_key=True, on_delete="CASCADE")
        x = DoubleField()  # REAL on SQLite as before; 8 bytes on PostgreSQL too
        y = DoubleField()

        class Meta:
            database = db
            table_name = "graph_position"

    db.create_tables([GraphPosition])
