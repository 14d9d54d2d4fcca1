"""Errors that services raise and that every interface (pages, API, commands) understands.

Two kinds of refusal, kept apart because clients react to them differently:

- *The input is wrong* (an unknown customer number, a duplicate number, gross != net + tax):
  services raise Django's ``ValidationError`` with a dict keyed by field name, so forms can
  attach the messages to their fields and the API can answer 422. Nested fields are written
  with dots: ``"lines.1.product"``.
- *The input is fine, but the business refuses it now* (changing a cancelled order):
  services raise ``BusinessRuleError``; the API answers 409 with its code.
"""


class BusinessRuleError(Exception):
    """A well-formed request that a business rule refuses.

    ``code`` is a stable lower-case identifier that clients may branch on (``order_closed``);
    ``detail`` explains the refusal to a person.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail

    def __repr__(self) -> str:
        return f"BusinessRuleError({self.code!r}, {self.detail!r})"
