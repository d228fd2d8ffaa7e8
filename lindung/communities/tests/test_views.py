import pytest
from django.urls import reverse

from lindung.communities.models import CommunityGroup, GroupType
from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village, mandau_village, region

from .factories import CommunityGroupFactory, make_participant

pytestmark = pytest.mark.django_db


def _urls(group):
    return [
        reverse("communities:detail", args=[group.pk]),
        reverse("communities:update", args=[group.pk]),
        reverse("communities:delete", args=[group.pk]),
    ]


def _post_data(village, **overrides):
    data = {
        "name": "Ojek Pangkalan Sejahtera",
        "group_type": GroupType.DRIVERS,
        "district": village.parent_id,
        "village": village.pk,
        "leader_name": "Bang Rahman",
        "leader_phone": "0813 1111 2222",
        "notes": "",
    }
    data.update(overrides)
    return data


class TestPermissions:
    def test_anonymous_is_sent_to_sign_in_everywhere(self):
        group = CommunityGroupFactory()
        client = login_client()
        for url in [reverse("communities:list"), reverse("communities:create"), *_urls(group)]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("accounts:login")), url
        response = client.post(reverse("communities:delete", args=[group.pk]))
        assert response.status_code == 302
        assert CommunityGroup.objects.filter(pk=group.pk).exists()

    def test_owner_reaches_every_page(self, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a)
        client = login_client(coord_a)
        for url in [reverse("communities:list"), reverse("communities:create"), *_urls(group)]:
            assert client.get(url).status_code == 200, url

    def test_other_coordinator_gets_404_on_every_url(self, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        client = login_client(coord_b)
        for url in _urls(group):
            assert client.get(url).status_code == 404, url
        assert client.post(_urls(group)[1], _post_data(group.village, name="Hijacked")).status_code == 404
        assert client.post(_urls(group)[2]).status_code == 404
        group.refresh_from_db()
        assert group.name != "Hijacked"

    def test_missing_group_is_404_like_another_coordinators(self, coord_a):
        assert login_client(coord_a).get(reverse("communities:detail", args=[999])).status_code == 404

    def test_admin_reaches_every_group(self, admin, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a)
        client = login_client(admin)
        for url in [reverse("communities:list"), reverse("communities:create"), *_urls(group)]:
            assert client.get(url).status_code == 200, url

    def test_list_shows_only_own_groups_to_a_coordinator(self, coord_a, coord_b):
        CommunityGroupFactory(coordinator=coord_a, name="Mine")
        CommunityGroupFactory(coordinator=coord_b, name="Theirs")
        response = login_client(coord_a).get(reverse("communities:list"))
        names = [g.name for g in response.context["table"].page.object_list]
        assert names == ["Mine"]

    def test_admin_list_shows_all(self, admin, coord_a, coord_b):
        CommunityGroupFactory(coordinator=coord_a, name="A")
        CommunityGroupFactory(coordinator=coord_b, name="B")
        response = login_client(admin).get(reverse("communities:list"))
        assert [g.name for g in response.context["table"].page.object_list] == ["A", "B"]


class TestCreateView:
    def test_coordinator_posting_another_coordinator_still_gets_the_group(self, coord_a, coord_b):
        village = bengkalis_village()
        response = login_client(coord_a).post(
            reverse("communities:create"), _post_data(village, coordinator=coord_b.pk)
        )
        group = CommunityGroup.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("communities:detail", args=[group.pk])
        assert group.coordinator == coord_a
        assert group.leader_phone == "+6281311112222"

    def test_coordinator_form_has_no_coordinator_field(self, coord_a):
        response = login_client(coord_a).get(reverse("communities:create"))
        assert "coordinator" not in response.context["form"].fields

    def test_admin_picks_the_coordinator(self, admin, coord_b):
        village = bengkalis_village()
        client = login_client(admin)
        response = client.post(reverse("communities:create"), _post_data(village, coordinator=coord_b.pk), follow=True)
        assert CommunityGroup.objects.get().coordinator == coord_b
        assert "Community group “Ojek Pangkalan Sejahtera” was added." in response.content.decode()

    def test_admin_coordinator_choices_are_active_coordinators(self, admin, coord_a):
        inactive = CoordinatorFactory(is_active=False)
        choices = login_client(admin).get(reverse("communities:create")).context["form"].fields["coordinator"].queryset
        assert coord_a in choices
        assert admin not in choices
        assert inactive not in choices

    def test_duplicate_name_is_a_field_error(self, coord_a):
        village = bengkalis_village()
        CommunityGroupFactory(village=village, name="Ojek Pangkalan Sejahtera")
        response = login_client(coord_a).post(reverse("communities:create"), _post_data(village))
        assert response.status_code == 200
        assert response.context["form"].errors["name"] == ["A group with this name already exists in Kelapapati."]
        assert "A group with this name already exists in Kelapapati." in response.content.decode()
        assert CommunityGroup.objects.count() == 1

    def test_invalid_phone_is_a_field_error(self, coord_a):
        response = login_client(coord_a).post(
            reverse("communities:create"), _post_data(bengkalis_village(), leader_phone="12")
        )
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["leader_phone"]

    def test_village_outside_the_chosen_district_is_refused(self, coord_a):
        bengkalis = bengkalis_village()
        mandau = mandau_village()
        response = login_client(coord_a).post(
            reverse("communities:create"), _post_data(mandau, district=bengkalis.parent_id)
        )
        assert response.status_code == 200
        assert "village" in response.context["form"].errors
        assert not CommunityGroup.objects.exists()

    def test_village_select_lists_only_the_districts_villages(self, coord_a):
        bengkalis = bengkalis_village()
        region("14.03.01.2005", "Senggoro")
        mandau_village()
        response = login_client(coord_a).get(reverse("communities:create"), {"district": bengkalis.parent_id})
        villages = list(response.context["form"].fields["village"].queryset.values_list("name", flat=True))
        assert villages == ["Kelapapati", "Senggoro"]

    def test_without_a_district_no_village_is_offered(self, coord_a):
        mandau_village()
        response = login_client(coord_a).get(reverse("communities:create"))
        assert not response.context["form"].fields["village"].queryset.exists()

    def test_coordinators_working_district_is_preselected(self):
        village = mandau_village()
        coordinator = CoordinatorFactory(district=village.parent)
        form = login_client(coordinator).get(reverse("communities:create")).context["form"]
        assert form["district"].value() == village.parent_id
        assert list(form.fields["village"].queryset) == [village]

    def test_show_villages_button_refreshes_without_saving_or_errors(self, coord_a):
        village = mandau_village()
        data = {**_post_data(village, name="Draft name", _refresh="1"), "village": ""}
        response = login_client(coord_a).post(reverse("communities:create"), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert not form.is_bound
        assert form["name"].value() == "Draft name"
        assert list(form.fields["village"].queryset) == [village]
        assert not CommunityGroup.objects.exists()

    def test_district_select_loads_villages_through_htmx(self, coord_a):
        html = login_client(coord_a).get(reverse("communities:create")).content.decode()
        assert f'hx-get="{reverse("regions:village_options")}"' in html
        assert 'hx-target="#id_village"' in html


class TestUpdateView:
    def test_owner_edits_and_sees_a_message(self, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        response = login_client(coord_a).post(
            reverse("communities:update", args=[group.pk]),
            _post_data(group.village, name="Renamed", coordinator=coord_b.pk),
            follow=True,
        )
        group.refresh_from_db()
        assert (group.name, group.coordinator) == ("Renamed", coord_a)
        assert "Community group “Renamed” was changed." in response.content.decode()

    def test_form_shows_the_phone_in_national_format(self, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a, leader_phone="+6281234567890")
        form = login_client(coord_a).get(reverse("communities:update", args=[group.pk])).context["form"]
        assert form["leader_phone"].value() == "0812-3456-7890"
        assert form["district"].value() == group.village.parent_id

    def test_admin_reassigns(self, admin, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        login_client(admin).post(
            reverse("communities:update", args=[group.pk]), _post_data(group.village, coordinator=coord_b.pk)
        )
        group.refresh_from_db()
        assert group.coordinator == coord_b


class TestDeleteView:
    def test_confirm_then_delete(self, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a, name="Gone")
        client = login_client(coord_a)
        assert (
            "Delete the community group" in client.get(reverse("communities:delete", args=[group.pk])).content.decode()
        )
        response = client.post(reverse("communities:delete", args=[group.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("communities:list")
        assert "Community group “Gone” was deleted." in response.content.decode()
        assert not CommunityGroup.objects.exists()

    def test_refused_with_a_message_while_participants_belong(self, admin):
        group = CommunityGroupFactory()
        make_participant(group)
        client = login_client(admin)
        page = client.get(reverse("communities:delete", args=[group.pk])).content.decode()
        assert "cannot be deleted: 1 participant belongs to it" in page
        response = client.post(reverse("communities:delete", args=[group.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("communities:detail", args=[group.pk])
        assert "This group cannot be deleted: 1 participant belongs to it." in response.content.decode()
        assert CommunityGroup.objects.filter(pk=group.pk).exists()


class TestDetailView:
    def test_shows_facts_and_links_to_its_participants(self, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a, name="Nelayan Bersatu", leader_phone="+6281234567890")
        make_participant(group)
        html = login_client(coord_a).get(reverse("communities:detail", args=[group.pk])).content.decode()
        assert "Nelayan Bersatu" in html
        assert "Kelapapati" in html
        assert 'href="tel:+6281234567890"' in html
        assert "0812-3456-7890" in html
        assert f'href="{reverse("participants:list")}?group={group.pk}"' in html
        assert "1 participant" in html


class TestListView:
    def _names(self, client, **params):
        response = client.get(reverse("communities:list"), params)
        assert response.status_code == 200
        return [g.name for g in response.context["table"].page.object_list]

    def test_search_by_name_or_leader(self, admin):
        CommunityGroupFactory(name="Tani Makmur", leader_name="Ahmad")
        CommunityGroupFactory(name="Nelayan Jaya", leader_name="Siti")
        client = login_client(admin)
        assert self._names(client, q="makmur") == ["Tani Makmur"]
        assert self._names(client, q="siti") == ["Nelayan Jaya"]

    def test_filters(self, admin, coord_a, coord_b):
        bengkalis, mandau = bengkalis_village(), mandau_village()
        CommunityGroupFactory(name="A", village=bengkalis, coordinator=coord_a, group_type=GroupType.FISHERS)
        CommunityGroupFactory(name="B", village=mandau, coordinator=coord_b, group_type=GroupType.TRADERS)
        client = login_client(admin)
        assert self._names(client, type=GroupType.TRADERS) == ["B"]
        assert self._names(client, district=mandau.parent_id) == ["B"]
        assert self._names(client, district=bengkalis.parent_id, village=bengkalis.pk) == ["A"]
        assert self._names(client, village=mandau.pk) == ["B"]
        assert self._names(client, coordinator=coord_a.pk) == ["A"]
        assert self._names(client, type="bogus") == ["A", "B"]

    def test_coordinator_filter_is_admin_only(self, coord_a, coord_b):
        CommunityGroupFactory(name="Mine", coordinator=coord_a)
        client = login_client(coord_a)
        assert self._names(client, coordinator=coord_b.pk) == ["Mine"]
        assert "coordinator" not in client.get(reverse("communities:list")).context["filter_form"].fields

    def test_filter_choices_come_from_visible_groups(self, coord_a, coord_b):
        CommunityGroupFactory(village=bengkalis_village(), coordinator=coord_a)
        CommunityGroupFactory(village=mandau_village(), coordinator=coord_b)
        form = login_client(coord_a).get(reverse("communities:list")).context["filter_form"]
        assert [d.code for d in form.fields["district"].queryset] == ["14.03.01"]

    def test_participant_count_and_sorting_by_it(self, admin):
        few = CommunityGroupFactory(name="Few")
        many = CommunityGroupFactory(name="Many")
        CommunityGroupFactory(name="None")
        make_participant(few)
        for _ in range(3):
            make_participant(many)
        response = login_client(admin).get(reverse("communities:list"), {"sort": "-participants"})
        rows = [(g.name, g.participant_count) for g in response.context["table"].page.object_list]
        assert rows == [("Many", 3), ("Few", 1), ("None", 0)]

    def test_other_sorts(self, admin):
        CommunityGroupFactory(name="Zeta", group_type=GroupType.COOPERATIVE, village=mandau_village())
        CommunityGroupFactory(name="Alpha", group_type=GroupType.TRADERS, village=bengkalis_village())
        client = login_client(admin)
        assert self._names(client, sort="-name") == ["Zeta", "Alpha"]
        assert self._names(client, sort="type") == ["Zeta", "Alpha"]
        assert self._names(client, sort="village") == ["Zeta", "Alpha"]  # Air Jamban before Kelapapati

    @pytest.mark.parametrize("as_admin", [True, False])
    def test_query_count_does_not_grow_with_rows(self, as_admin, admin, coord_a, django_assert_max_num_queries):
        mandau = mandau_village()
        for i in range(35):
            group = CommunityGroupFactory(name=f"Group {i:02d}", coordinator=coord_a, village=mandau)
            if i % 5 == 0:
                make_participant(group)
        client = login_client(admin if as_admin else coord_a)
        # session, user, count, rows, filter choices (validated, then rendered), session save
        with django_assert_max_num_queries(12):
            response = client.get(
                reverse("communities:list"), {"per_page": 50, "district": mandau.parent_id, "sort": "participants"}
            )
        assert len(response.context["table"].page.object_list) == 35
        assert "table-wrap" in response.content.decode()
