"""Schemathesis hooks for the paylab API fuzz (system/src/api/openapi-fuzz.int.test.ts).

A create must have items that add up to its amount, a rule JSON Schema cannot state. Without help
almost every generated create is refused 400 / 1009, and the document's links (create -> GET,
create -> cancel) are never followed. So a generated create body whose amount and items are
well-typed gets the amount its items add up to; every other body (wrong types, missing fields,
the negative cases) is left exactly as generated.
"""

import schemathesis


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


@schemathesis.hook
def map_body(context, body):
    if not isinstance(body, dict) or not _is_int(body.get("amount")):
        return body
    items = body.get("items")
    if not isinstance(items, list) or not items:
        return body
    if not all(
        isinstance(item, dict) and _is_int(item.get("quantity")) and _is_int(item.get("unitPrice"))
        for item in items
    ):
        return body
    return {**body, "amount": sum(item["quantity"] * item["unitPrice"] for item in items)}
