"""Renderers: present stored results (timelines, ...) as terminal tables, Markdown, HTML and JSON."""
