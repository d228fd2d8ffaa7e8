import datetime

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import DEFAULT_PASSWORD
from lindung.participants.models import Participant

from .conftest import make_participant

pytestmark = pytest.mark.django_db

AUDIT = reverse("accounts:audit")


def sign_in(client, username: str, password: str) -> None:
    client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.4.4.4",
        HTTP_USER_AGENT="TestPhone/1.0",
    )


class TestSignins:
    def test_shows_successful_and_failed_sign_ins(self, client, admin, coord_a):
        sign_in(client, coord_a.username, "wrong")
        sign_in(client, coord_a.username, DEFAULT_PASSWORD)
        page = login_client(admin).get(AUDIT).content.decode()
        assert coord_a.username in page
        assert "Signed in" in page
        assert "Failed" in page
        assert "10.4.4.4" in page
        assert "TestPhone/1.0" in page

    def test_filters(self, client, admin, coord_a, coord_b):
        sign_in(client, coord_a.username, DEFAULT_PASSWORD)
        sign_in(client, coord_b.username, "wrong")
        c = login_client(admin)
        page = c.get(AUDIT, {"q": coord_a.username}).content.decode()
        assert coord_a.username in page
        assert coord_b.username not in page
        page = c.get(AUDIT, {"outcome": "failure"}).content.decode()
        assert coord_b.username in page
        assert coord_a.username not in page
        page = c.get(AUDIT, {"outcome": "success"}).content.decode()
        assert coord_a.username in page
        assert coord_b.username not in page

    def test_date_range(self, client, admin, coord_a, coord_b):
        sign_in(client, coord_a.username, DEFAULT_PASSWORD)
        sign_in(client, coord_b.username, "wrong")
        AccessFailureLog.objects.update(attempt_time=timezone.now() - datetime.timedelta(days=10))
        today = timezone.localdate()
        c = login_client(admin)
        page = c.get(AUDIT, {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
        assert coord_a.username in page
        assert coord_b.username not in page
        old = today - datetime.timedelta(days=10)
        page = c.get(AUDIT, {"date_from": old.isoformat(), "date_to": old.isoformat()}).content.decode()
        assert coord_b.username in page
        assert coord_a.username not in page

    def test_invalid_filters_are_ignored(self, admin):
        assert login_client(admin).get(AUDIT, {"date_from": "not-a-date", "page": "x"}).status_code == 200

    def test_newest_first_and_paginated(self, admin, django_assert_max_num_queries):
        now = timezone.now()
        for i in range(30):
            model = AccessLog if i % 2 else AccessFailureLog
            model.objects.create(
                username=f"u{i:02d}", ip_address="10.0.0.1", user_agent="x", http_accept="*/*", path_info="/"
            )
        model.objects.update(attempt_time=now)
        c = login_client(admin)
        with django_assert_max_num_queries(7):
            response = c.get(AUDIT, {"per_page": 10})
        table = response.context["table"]
        # force_login also goes through axes, which logs one more sign-in.
        assert table.page.paginator.count == AccessLog.objects.count() + AccessFailureLog.objects.count() >= 30
        assert len(table.page.object_list) == 10
        times = [row["attempt_time"] for row in table.page.object_list]
        assert times == sorted(times, reverse=True)


class TestParticipantChanges:
    def test_shows_create_change_and_delete_with_fields(self, admin, coord_a):
        participant = make_participant(by=coord_a, full_name="Dewi Lestari")
        participant.occupation = "Nelayan"
        participant.sex = "M"
        participant._history_user = admin
        participant.save()
        pk = participant.pk
        page = login_client(admin).get(AUDIT, {"tab": "changes"}).content.decode()
        assert "Dewi Lestari" in page
        assert "Created" in page
        assert "Changed" in page
        assert coord_a.username in page
        assert admin.username in page
        # Field-level diff with labels and choice labels.
        assert "Occupation" in page
        assert "Nelayan" in page
        assert "Female → Male" in page
        participant.delete()
        response = login_client(admin).get(AUDIT, {"tab": "changes", "kind": "-"})
        rows = response.context["rows"]
        assert [r.record.history_type for r in rows] == ["-"]
        assert rows[0].record.id == pk
        assert rows[0].url is None

    def test_own_path_keeps_the_tab(self, admin, coord_a):
        make_participant(by=coord_a, full_name="Dewi Lestari")
        response = login_client(admin).get(reverse("accounts:audit_changes"), {"kind": "+"})
        assert response.context["tab"] == "changes"
        assert response.context["table"].filters == {"kind": "+"}
        assert "Dewi Lestari" in response.content.decode()

    def test_filters_by_user_and_name(self, admin, coord_a, coord_b):
        make_participant(by=coord_a, full_name="Dewi Lestari")
        make_participant(by=coord_b, full_name="Eko Prasetyo")
        c = login_client(admin)
        page = c.get(AUDIT, {"tab": "changes", "user": coord_b.pk}).content.decode()
        assert "Eko Prasetyo" in page
        assert "Dewi Lestari" not in page
        page = c.get(AUDIT, {"tab": "changes", "q": "dewi"}).content.decode()
        assert "Dewi Lestari" in page
        assert "Eko Prasetyo" not in page

    def test_date_range(self, admin, coord_a):
        make_participant(by=coord_a, full_name="Dewi Lestari")
        Participant.history.update(history_date=timezone.now() - datetime.timedelta(days=3))
        make_participant(by=coord_a, full_name="Eko Prasetyo")
        today = timezone.localdate()
        page = login_client(admin).get(AUDIT, {"tab": "changes", "date_from": today.isoformat()}).content.decode()
        assert "Eko Prasetyo" in page
        assert "Dewi Lestari" not in page

    def test_diffs_only_for_the_page_and_no_n_plus_one(self, admin, coord_a, django_assert_max_num_queries):
        for i in range(30):
            p = make_participant(by=coord_a, full_name=f"Peserta {i:02d}")
            p.occupation = f"Job {i}"
            p._history_user = admin
            p.save()
        c = login_client(admin)
        # session, user, count, page, previous ids, previous rows, participants still present,
        # filter form's user list, session save (3): the same for any page size.
        with django_assert_max_num_queries(11):
            response = c.get(AUDIT, {"tab": "changes", "per_page": 25})
        rows = response.context["rows"]
        assert len(rows) == 25
        changed = [r for r in rows if r.record.history_type == "~"]
        assert changed
        assert all(any(ch.label == "occupation" for ch in r.changes) for r in changed)

    def test_links_to_participant_when_the_route_exists(self, admin, coord_a, monkeypatch):
        from lindung.accounts import audit

        make_participant(by=coord_a)
        monkeypatch.setattr(audit, "reverse", lambda name, args: f"/participants/{args[0]}/")
        rows = login_client(admin).get(AUDIT, {"tab": "changes"}).context["rows"]
        assert rows[0].url == f"/participants/{rows[0].record.id}/"
