import pytest
from django.urls import reverse

from lindung.contacts.models import Contact
from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import region

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def _write_urls(contact):
    return [
        reverse("contacts:create"),
        reverse("contacts:update", args=[contact.pk]),
        reverse("contacts:delete", args=[contact.pk]),
    ]


def _read_urls(contact):
    return [reverse("contacts:list"), reverse("contacts:detail", args=[contact.pk])]


class TestPermissions:
    def test_anonymous_is_sent_to_sign_in_everywhere(self):
        contact = ContactFactory()
        client = login_client()
        for url in _read_urls(contact) + _write_urls(contact):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url

    @pytest.mark.parametrize("who", ["coord_a", "coord_b"])
    def test_coordinators_read_but_may_not_write(self, who, request):
        user = request.getfixturevalue(who)
        contact = ContactFactory(name="Helpdesk")
        client = login_client(user)
        for url in _read_urls(contact):
            assert client.get(url).status_code == 200, url
        for url in _write_urls(contact):
            assert client.get(url).status_code == 403, url
            assert client.post(url, {"name": "Changed"}).status_code == 403, url
        assert list(Contact.objects.values_list("name", flat=True)) == ["Helpdesk"]

    def test_admin_reaches_everything(self, admin):
        contact = ContactFactory(is_published=False)
        client = login_client(admin)
        for url in _read_urls(contact) + _write_urls(contact):
            assert client.get(url).status_code == 200, url

    def test_unpublished_contacts_are_hidden_from_coordinators(self, coord_a):
        ContactFactory(name="Public")
        hidden = ContactFactory(name="Internal", is_published=False)
        client = login_client(coord_a)
        response = client.get(reverse("contacts:list"))
        assert [c.name for c in response.context["table"].page.object_list] == ["Public"]
        assert client.get(reverse("contacts:detail", args=[hidden.pk])).status_code == 404

    def test_admin_sees_unpublished_contacts_marked(self, admin):
        ContactFactory(name="Internal", is_published=False)
        response = login_client(admin).get(reverse("contacts:list"))
        assert [c.name for c in response.context["table"].page.object_list] == ["Internal"]
        assert "Admins only" in response.content.decode()


class TestWriteViews:
    def test_create_with_message_and_normalised_numbers(self, admin):
        response = login_client(admin).post(
            reverse("contacts:create"),
            {
                "name": "Kantor Cabang Bengkalis",
                "phone": "0766-21234",
                "whatsapp": "0812-3456-7890",
                "is_published": "on",
            },
            follow=True,
        )
        contact = Contact.objects.get()
        assert response.redirect_chain[-1][0] == reverse("contacts:detail", args=[contact.pk])
        assert (contact.phone, contact.whatsapp, contact.is_published) == ("+6276621234", "+6281234567890", True)
        assert "Contact “Kantor Cabang Bengkalis” was added." in response.content.decode()

    def test_field_errors_beside_the_fields(self, admin):
        response = login_client(admin).post(
            reverse("contacts:create"), {"name": "Helpdesk", "phone": "12", "whatsapp": "0766-21234", "email": "x"}
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"phone", "whatsapp", "email"}
        assert not Contact.objects.exists()

    def test_unticked_box_unpublishes(self, admin):
        contact = ContactFactory()
        response = login_client(admin).post(
            reverse("contacts:update", args=[contact.pk]), {"name": "Renamed"}, follow=True
        )
        contact.refresh_from_db()
        assert (contact.name, contact.is_published, contact.phone) == ("Renamed", False, "")
        assert "Contact “Renamed” was changed." in response.content.decode()

    def test_edit_form_shows_national_numbers_and_keeps_a_deep_region(self, admin):
        district = region("14.03.01", "Bengkalis")
        contact = ContactFactory(region=district)
        form = login_client(admin).get(reverse("contacts:update", args=[contact.pk])).context["form"]
        assert form["phone"].value() == "(0766) 21234"
        assert form["whatsapp"].value() == "0812-3456-7890"
        assert district in form.fields["region"].queryset

    def test_region_choices_stop_at_regencies(self, admin):
        region("14.03.01.2004", "Kelapapati")
        form = login_client(admin).get(reverse("contacts:create")).context["form"]
        assert sorted(r.code for r in form.fields["region"].queryset) == ["14", "14.03"]

    def test_delete(self, admin):
        contact = ContactFactory(name="Old office")
        client = login_client(admin)
        assert "Old office" in client.get(reverse("contacts:delete", args=[contact.pk])).content.decode()
        response = client.post(reverse("contacts:delete", args=[contact.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("contacts:list")
        assert "Contact “Old office” was deleted." in response.content.decode()
        assert not Contact.objects.exists()


class TestReadViews:
    def _names(self, client, **params):
        response = client.get(reverse("contacts:list"), params)
        return [c.name for c in response.context["table"].page.object_list]

    def test_links_and_national_format(self, coord_a):
        contact = ContactFactory(phone="+6276621234", whatsapp="+6281234567890", email="cabang@example.org")
        client = login_client(coord_a)
        for url in _read_urls(contact):
            html = client.get(url).content.decode()
            assert 'href="tel:+6276621234"' in html
            assert "(0766) 21234" in html
            assert 'href="https://wa.me/6281234567890"' in html
            assert "0812-3456-7890" in html
            assert 'href="mailto:cabang@example.org"' in html
        assert "contacts/new/" not in client.get(reverse("contacts:list")).content.decode()

    def test_search_by_name_position_phone_email(self, coord_a):
        ContactFactory(name="Helpdesk", position="Call centre", phone="+62215551234", email="help@example.org")
        ContactFactory(
            name="Kantor Cabang", position="Branch", phone="+6276621234", whatsapp="", email="kc@example.org"
        )
        client = login_client(coord_a)
        assert self._names(client, q="help") == ["Helpdesk"]
        assert self._names(client, q="branch") == ["Kantor Cabang"]
        assert self._names(client, q="kc@") == ["Kantor Cabang"]
        assert self._names(client, q="0766-21") == ["Kantor Cabang"]
        assert self._names(client, q="+62 21 555") == ["Helpdesk"]

    def test_filter_by_region_includes_what_lies_under_it(self, coord_a):
        regency = region("14.03", "Bengkalis")
        district = region("14.03.01", "Bengkalis")
        other = region("14.71", "Pekanbaru")
        ContactFactory(name="Regency office", region=regency)
        ContactFactory(name="District office", region=district)
        ContactFactory(name="City office", region=other)
        ContactFactory(name="National helpdesk")
        client = login_client(coord_a)
        assert self._names(client, region="14.03") == ["District office", "Regency office"]
        assert self._names(client, region="14.03.01") == ["District office"]
        assert len(self._names(client, region="nonsense")) == 4

    def test_sort(self, coord_a):
        ContactFactory(name="B", position="Alpha")
        ContactFactory(name="A", position="Zulu")
        client = login_client(coord_a)
        assert self._names(client) == ["A", "B"]
        assert self._names(client, sort="position") == ["B", "A"]
        assert self._names(client, sort="-name") == ["B", "A"]

    @pytest.mark.parametrize("who", ["admin", "coord_a"])
    def test_query_count_does_not_grow_with_rows(self, who, request, django_assert_max_num_queries):
        user = request.getfixturevalue(who)
        regency = region("14.03", "Bengkalis")
        for i in range(40):
            ContactFactory(region=regency if i % 2 else None)
        client = login_client(user)
        # session, user, region choices (validated, then rendered), count, rows, session save
        with django_assert_max_num_queries(10):
            response = client.get(reverse("contacts:list"), {"per_page": 50})
        assert len(response.context["table"].page.object_list) == 40
        assert "table-wrap" in response.content.decode()
