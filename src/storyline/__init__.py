"""Storyline: turn a pile of news articles into storylines."""

__version__ = "0.1.0"
