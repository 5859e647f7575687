"""OpenAPI post-processing: document the error responses every operation can give, in the
one error format of the API, so clients (and schemathesis) know what to expect."""

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Either `{"detail": "message"}` or field messages `{"field": ["message", ...]}`.'
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input; nothing was changed",
    "401": "Authentication required (send `Authorization: Token <token>`)",
    "403": "Your role may not do this",
    "404": "Not found in your scope",
    "405": "Method not allowed",
    "409": "Not allowed in the record's current status, or it changed meanwhile",
    "429": "Too many requests; retry later",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "404", "429"]  # 404 also for a page past the end of a list
            if operation.get("security") and {} not in operation["security"]:
                codes += ["401", "403"]
            if method in ("post", "patch") and "/records/" in path:
                codes += ["403", "409"]
            for code in codes:
                existing = responses.get(code, {})
                responses[code] = {
                    "description": existing.get("description") or DESCRIPTIONS[code],
                    "content": reference,
                }
    return result
