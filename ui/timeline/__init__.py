"""One customer's timeline."""
