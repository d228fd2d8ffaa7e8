"""Schema post-processing: answers that DRF gives every paginated list, stated once."""

from typing import Any

LIST_ANSWERS = {
    "400": {"description": "A filter or the page number is not valid; errors keyed by parameter name."},
    "404": {"description": "No such page: the list has fewer pages."},
}


def document_list_answers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page" in names:
                responses = operation.setdefault("responses", {})
                for status, answer in LIST_ANSWERS.items():
                    responses.setdefault(status, dict(answer))
    return result
