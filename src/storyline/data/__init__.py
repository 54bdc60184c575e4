"""Package data: rules, word lists and tables, each file stating its origin."""
