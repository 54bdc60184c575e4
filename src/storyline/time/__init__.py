"""Dates: datelines, publication dates, TIMEX3 tagging and normalization, event dates."""
