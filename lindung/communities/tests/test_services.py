import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.communities.models import CommunityGroup, GroupType
from lindung.communities.services import community_group_create, community_group_delete, community_group_update
from lindung.core.tests.factories import AdminFactory, bengkalis_village, mandau_village, region

from .factories import CommunityGroupFactory, make_participant

pytestmark = pytest.mark.django_db


def _create(actor, **overrides):
    fields = {
        "actor": actor,
        "name": "Tani Makmur",
        "group_type": GroupType.FARMERS,
        "village": bengkalis_village(),
        "leader_name": "Pak Ahmad",
        "leader_phone": "0812-3456-7890",
    }
    fields.update(overrides)
    return community_group_create(**fields)


def _error_codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


class TestCreate:
    def test_admin_picks_the_coordinator(self, admin, coord_a):
        group = _create(admin, coordinator=coord_a)
        assert group.coordinator == coord_a
        assert group.created_by == admin

    def test_admin_may_leave_the_coordinator_empty(self, admin):
        assert _create(admin).coordinator is None

    def test_coordinator_is_forced_to_themselves(self, coord_a, coord_b):
        group = _create(coord_a, coordinator=coord_b)
        assert group.coordinator == coord_a

    def test_coordinator_without_a_choice_still_gets_the_group(self, coord_a):
        assert _create(coord_a).coordinator == coord_a

    def test_admin_cannot_pick_an_admin_or_inactive_user(self, admin, coord_b):
        with pytest.raises(ValidationError) as exc:
            _create(admin, coordinator=AdminFactory())
        assert _error_codes(exc.value, "coordinator") == ["coordinator_invalid"]
        coord_b.is_active = False
        coord_b.save()
        with pytest.raises(ValidationError):
            _create(admin, coordinator=coord_b)

    def test_phone_is_stored_in_e164(self, admin):
        assert _create(admin).leader_phone == "+6281234567890"

    def test_landline_is_refused_for_the_leader(self, admin):
        with pytest.raises(ValidationError) as exc:
            _create(admin, leader_phone="0766-21234")
        assert _error_codes(exc.value, "leader_phone") == ["phone_not_mobile"]

    def test_empty_phone_is_allowed(self, admin):
        assert _create(admin, leader_phone="").leader_phone == ""

    def test_village_must_be_a_village(self, admin):
        with pytest.raises(ValidationError) as exc:
            _create(admin, village=region("14.03.01", "Bengkalis"))
        assert _error_codes(exc.value, "village") == ["village_level"]

    def test_name_is_unique_per_village_whatever_the_case(self, admin):
        _create(admin)
        with pytest.raises(ValidationError) as exc:
            _create(admin, name="  tani   MAKMUR ")
        assert _error_codes(exc.value, "name") == ["name_taken"]
        assert CommunityGroup.objects.count() == 1

    def test_same_name_in_another_village_is_fine(self, admin):
        _create(admin)
        assert _create(admin, village=mandau_village()).pk

    def test_whitespace_in_the_name_is_tidied(self, admin):
        assert _create(admin, name="  Tani   Jaya ").name == "Tani Jaya"

    def test_history_records_the_actor(self, coord_a):
        group = _create(coord_a)
        assert group.history.get().history_user == coord_a


class TestUpdate:
    def _update(self, actor, group, **overrides):
        fields = {
            "actor": actor,
            "group": group,
            "name": group.name,
            "group_type": group.group_type,
            "village": group.village,
            "coordinator": group.coordinator,
            "leader_name": group.leader_name,
            "leader_phone": group.leader_phone,
            "notes": group.notes,
        }
        fields.update(overrides)
        return community_group_update(**fields)

    def test_owner_edits_and_keeps_the_group(self, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        self._update(coord_a, group, name="Pedagang Pasar", coordinator=coord_b, group_type=GroupType.TRADERS)
        group.refresh_from_db()
        assert (group.name, group.group_type, group.coordinator) == ("Pedagang Pasar", GroupType.TRADERS, coord_a)

    def test_other_coordinator_is_refused(self, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        with pytest.raises(PermissionDenied):
            self._update(coord_b, group, name="Taken over")

    def test_admin_reassigns(self, admin, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        self._update(admin, group, coordinator=coord_b)
        group.refresh_from_db()
        assert group.coordinator == coord_b

    def test_admin_may_keep_a_deactivated_coordinator(self, admin, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a)
        coord_a.is_active = False
        coord_a.save()
        self._update(admin, group, notes="Still theirs")
        group.refresh_from_db()
        assert group.coordinator == coord_a

    def test_keeping_its_own_name_is_not_a_clash(self, admin):
        group = CommunityGroupFactory()
        self._update(admin, group, notes="x")

    def test_renaming_onto_a_sibling_is_refused(self, admin):
        CommunityGroupFactory(name="Nelayan Bersatu")
        group = CommunityGroupFactory()
        with pytest.raises(ValidationError) as exc:
            self._update(admin, group, name="Nelayan Bersatu")
        assert _error_codes(exc.value, "name") == ["name_taken"]


class TestDelete:
    def test_owner_deletes_an_empty_group(self, coord_a):
        group = CommunityGroupFactory(coordinator=coord_a)
        community_group_delete(actor=coord_a, group=group)
        assert not CommunityGroup.objects.exists()
        assert CommunityGroup.history.filter(history_type="-").get().history_user == coord_a

    def test_refused_while_participants_belong_to_it(self, admin):
        group = CommunityGroupFactory()
        make_participant(group)
        make_participant(group)
        with pytest.raises(ValidationError) as exc:
            community_group_delete(actor=admin, group=group)
        assert exc.value.code == "group_in_use"
        assert "2 participants" in exc.value.messages[0]
        assert CommunityGroup.objects.filter(pk=group.pk).exists()

    def test_protected_error_from_a_race_is_translated(self, admin, monkeypatch):
        group = CommunityGroupFactory()
        make_participant(group)
        # Simulate the participant arriving after the count was taken.
        monkeypatch.setattr(type(group.participants), "count", lambda self: 0)
        assert group.participants.count() == 0
        with pytest.raises(ValidationError) as exc:
            community_group_delete(actor=admin, group=group)
        assert exc.value.code == "group_in_use"

    def test_other_coordinator_is_refused(self, coord_a, coord_b):
        group = CommunityGroupFactory(coordinator=coord_a)
        with pytest.raises(PermissionDenied):
            community_group_delete(actor=coord_b, group=group)
