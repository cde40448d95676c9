"""Unit tests of helpers.grading.checks, one file per module."""
