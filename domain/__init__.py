"""The consultation hall's domain: aggregates, vocabularies and the rules between them."""
