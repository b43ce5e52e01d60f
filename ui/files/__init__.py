"""Opening, switching, protecting and backing up journals."""
