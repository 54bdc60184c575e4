"""Per-article extraction over the spaCy parse: entities, quotes, events."""
