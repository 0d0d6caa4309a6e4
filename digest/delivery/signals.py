"""Signals of the sending path, for whoever watches it in the same process (the `send_edition` progress bar)."""

from django.dispatch import Signal

#: Sent after a batch of deliveries is recorded; kwargs: sent, failed, retry (counts in that batch).
deliveries_recorded = Signal()
