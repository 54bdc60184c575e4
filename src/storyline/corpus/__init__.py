"""Corpus stages: reuse, entity registry, stories, timelines. Incremental; ids stay stable."""
