"""What a call to PLAT'AU raises, apart from the HTTP client (client.py, which imports
requests) so that the connector and the views that catch it load no HTTP library."""


class PlatauUnavailable(Exception):
    """The hub did not accept the call after the retries; the message is French, for the
    officer, and the exchange stays to be sent again."""

    def __init__(self, message: str, status: int | None = None, body=None):
        super().__init__(message)
        self.status, self.body = status, body
