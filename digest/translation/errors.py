class TranslationError(Exception):
    """A reply or request that did not give a usable translation. `retryable` says whether asking
    again may help (a timeout, 429, 5xx, a reply that failed validation) or not (401, 404)."""

    def __init__(self, reason: str, *, retryable: bool = True, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
