"""Thank-you cards: choosing, editing, printing."""
