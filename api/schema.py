"""The OpenAPI schema's additions: the token authentication, and the error responses of
every operation.

drf-spectacular registers an extension when its class is defined: this module is loaded by the
generator class named in SPECTACULAR_SETTINGS, so wherever a schema is generated (the view, the
`spectacular` command) and never at start-up (drf-spectacular loads DRF's test client).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator as SpectacularGenerator


class SchemaGenerator(SpectacularGenerator):
    """drf-spectacular's generator, named in settings so that generating loads this module."""


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service account's token (api.models.ServiceAccount).",
        }


# What DRF answers on refusal (rest_framework.views.exception_handler): `detail` for 401, 403,
# 404 and 429; a field → messages object for a 400 (ValidationError).
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object"},  # nested fields: a list's errors by index
    ]
}
ERRORS = {
    "ValidationError": {"type": "object", "additionalProperties": MESSAGES},
    "Error": DETAIL,
}
ERROR_RESPONSES = {
    "400": ("The query is not valid: messages by parameter.", "ValidationError"),
    "401": ("No token, or an unknown one.", "Error"),
    "403": ("The token lacks the operation's scope, or any commune.", "Error"),
    "404": ("No such object among the caller's communes (its existence is not revealed).",
            "Error"),
    "429": ("Too many requests: wait the Retry-After seconds.", "Error"),
}  # fmt: skip


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation lists the refusals it can answer,
    with their bodies, so the schema is the whole contract (schemathesis checks it). DRF
    renders an error with the renderer negotiated for the operation: the same media types as
    its 200. An operation open to all (the schema itself) has no 401 or 403."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERRORS)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            media_types = responses.get("200", {}).get("content") or {"application/json": {}}
            open_to_all = not operation.get("security") or {} in operation["security"]
            for status, (description, schema) in ERROR_RESPONSES.items():
                if open_to_all and status in ("401", "403"):
                    continue
                body = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                response = {
                    "description": description,
                    "content": {media_type: body for media_type in media_types},
                }
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {"schema": {"type": "integer"}, "required": True}
                    }
                responses.setdefault(status, response)
    return result
