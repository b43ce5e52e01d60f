"""Quick capture: writing a note after meeting a customer."""
