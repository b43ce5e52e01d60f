"""The Lately panel: whom to attend to now."""
