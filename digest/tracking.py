"""Anymail tracking events -> EmailEvent rows (filled in by the sending issue)."""
