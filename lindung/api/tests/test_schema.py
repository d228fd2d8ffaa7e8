import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from .conftest import api_client


def test_schema_generates_without_warnings_and_validates():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    assert set(schema["paths"]) == {
        "/api/auth/token/",
        "/api/calculator/",
        "/api/participants/",
        "/api/participants/{id}/",
        "/api/participants/{id}/bills/",
        "/api/participants/{id}/claim-check/",
        "/api/payments/",
        "/api/payments/{id}/",
        "/api/payments/{id}/reverse/",
        # The participant's own record (lindung/selfservice/api.py): no ids, "me" is the token.
        "/api/me/",
        "/api/me/code/",
        "/api/me/token/",
        "/api/me/bills/",
        "/api/me/payments/",
        "/api/me/claims/",
        "/api/me/messages/",
        "/api/me/corrections/",
        "/api/me/card/",
        "/api/participants/{id}/messages/",
        "/api/message-templates/",
        "/api/message-templates/{id}/",
        "/api/segments/",
        "/api/segments/{id}/",
        "/api/segments/{id}/count/",
        "/api/campaigns/",
        "/api/campaigns/{id}/",
        "/api/campaigns/{id}/launch/",
        "/api/campaigns/{id}/pause/",
        "/api/campaigns/{id}/resume/",
        "/api/campaigns/{id}/cancel/",
    }
    assert "delete" not in schema["paths"]["/api/participants/{id}/"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert "participantToken" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_the_app_serves_the_schema():
    response = api_client().get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/participants/" in response.content
    as_json = api_client().get(reverse("api:schema"), {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["info"]["title"] == "Lindung API"
