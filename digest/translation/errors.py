class TranslationError(Exception):
    """A reply or request that did not give a usable translation. `retryable` says whether asking
    again may help (a timeout, 429, 5xx, a reply that failed validation) or not (401, 404).

    `provider_down` marks failures where the provider gave no answer at all (refused connection, timeout,
    429, 5xx): a run stops asking after several in a row instead of waiting out every paper's retries.
    The token counts are those of a refused reply, which the provider bills all the same. `truncated` marks a
    reply the server cut off at the token limit (finish_reason "length"): asked again with a larger limit.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool = True,
        retry_after: float | None = None,
        http_status: int | None = None,
        provider_down: bool = False,
        truncated: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.http_status = http_status
        self.provider_down = provider_down
        self.truncated = truncated
        self.prompt_tokens = 0
        self.completion_tokens = 0
