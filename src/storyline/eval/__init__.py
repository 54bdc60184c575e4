"""Evaluation harness: one module per task, each scoring against gold data others annotated.

``storyline eval TASK ...`` calls ``storyline.eval.<TASK>.main(argv)``.
"""

TASKS = ("time", "quotes", "entities", "stories", "timeline", "extraction")
