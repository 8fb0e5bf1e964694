"""Deadlines from every part of cfcity in one calendar per unit (issue 6, part 5)."""
