"""Unit tests of ``helpers.widgets``: one file per widget module (``test_<module>.py``), all on the
shared fake engine (the ``fake`` fixture); ``ui`` holds the few helpers that read a widget tree."""
