"""The bottom of the project: what every room and config/ may import (settings from the
environment, the database router, the rate limits, the JSON log formatter); it imports no room."""
