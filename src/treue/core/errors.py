"""Errors that domain code raises and every interface (page, API, CLI) answers in its own way."""


class BusinessRuleError(Exception):
    """A rule of the business refuses the change (the API answers 409 with code and detail)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
