import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework import exceptions, serializers

from lindung.api.errors import as_field_errors, service_errors

from .conftest import api_client


def test_field_errors_keep_their_names_and_all_becomes_non_field_errors():
    error = ValidationError({"nik": ["bad"], "__all__": ["whole form"]})
    assert as_field_errors(error) == {"nik": ["bad"], "non_field_errors": ["whole form"]}
    assert as_field_errors(ValidationError("plain")) == {"non_field_errors": ["plain"]}


def test_service_errors_translate_to_drf():
    with pytest.raises(serializers.ValidationError) as info, service_errors():
        raise ValidationError({"phone": ["bad phone"]})
    assert info.value.detail == {"phone": ["bad phone"]}
    with pytest.raises(exceptions.PermissionDenied) as refused, service_errors():
        raise PermissionDenied("not yours")
    assert str(refused.value.detail) == "not yours"


@pytest.mark.django_db
def test_a_service_refusal_is_a_403(world, monkeypatch):
    from lindung.participants import services

    def refuse(**kwargs):
        raise PermissionDenied("This participant is not assigned to you.")

    monkeypatch.setattr(services, "participant_update", refuse)
    url = reverse("api:participant-detail", args=[world["pa"].pk])
    response = api_client(world["a"]).patch(url, {"occupation": "x"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This participant is not assigned to you."}


@pytest.mark.django_db
def test_answers_are_json_even_for_a_browser(world):
    browser_accept = "text/html,application/xhtml+xml,*/*;q=0.8"
    response = api_client(world["a"]).get(reverse("api:participant-list"), HTTP_ACCEPT=browser_accept)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
