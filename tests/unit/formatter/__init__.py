"""Table-driven tests of the formatter's warehouse config and lot rules."""
