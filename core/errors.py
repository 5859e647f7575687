"""The base of every domain error: a conflict with the current state of something (HTTP 409
in the API). Bad input is a Django ``ValidationError`` (400) instead."""


class DomainError(Exception):
    """A request that is well formed but conflicts with the current state; ``message`` is a
    translated sentence for the user."""

    default_message = ""

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)
