"""The container's HEALTHCHECK (Dockerfile): GET /sante/ from this container's gunicorn as the
TLS proxy sends requests (an allowed host name, X-Forwarded-Proto: https), so that production's
host check and HTTPS redirect answer it. Exit status 0 when it answers 200."""

import os
import sys
import urllib.request


def main() -> int:
    """The exit status the HEALTHCHECK reads: 0 on a 200, 1 otherwise (the reason on stderr)."""
    port = os.environ.get("PERMIS_BIND", "0.0.0.0:8000").rsplit(":", 1)[1]
    allowed = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    host = allowed if allowed and allowed != "*" else "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/sante/", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=9) as response:  # noqa: S310 (fixed URL)
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
