"""Unit tier of helpers.grading: the checks and exercise setup, over recorded engine answers."""
