import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindung.accounts import services
from lindung.accounts.models import Role, User
from lindung.core.tests.factories import AdminFactory, bengkalis_village

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-unusual-passphrase"


def create_kwargs(**overrides):
    kwargs = {
        "username": "rina",
        "first_name": "Rina",
        "last_name": "Sari",
        "email": "rina@example.org",
        "phone": "0812-3456-7890",
        "role": Role.COORDINATOR,
        "district": None,
        "password": NEW_PASSWORD,
    }
    return {**kwargs, **overrides}


def lock(username: str, ip: str = "10.0.0.1") -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


class TestUserCreate:
    def test_admin_creates_with_e164_phone_and_hashed_password(self, admin):
        district = bengkalis_village().parent
        user = services.user_create(actor=admin, **create_kwargs(district=district))
        user.refresh_from_db()
        assert user.phone == "+6281234567890"
        assert user.district == district
        assert user.role == Role.COORDINATOR
        assert user.check_password(NEW_PASSWORD)
        assert user.password != NEW_PASSWORD

    def test_coordinator_refused(self, coord_a):
        with pytest.raises(PermissionDenied):
            services.user_create(actor=coord_a, **create_kwargs())
        assert not User.objects.filter(username="rina").exists()

    def test_bad_phone_is_a_field_error(self, admin):
        with pytest.raises(ValidationError) as exc:
            services.user_create(actor=admin, **create_kwargs(phone="12"))
        assert "phone" in exc.value.error_dict

    def test_weak_password_refused(self, admin):
        with pytest.raises(ValidationError):
            services.user_create(actor=admin, **create_kwargs(password="123"))

    def test_district_must_be_level_3(self, admin):
        with pytest.raises(ValidationError) as exc:
            services.user_create(actor=admin, **create_kwargs(district=bengkalis_village()))
        assert "district" in exc.value.error_dict

    def test_duplicate_username_refused(self, admin, coord_a):
        with pytest.raises(ValidationError):
            services.user_create(actor=admin, **create_kwargs(username=coord_a.username))


class TestUserUpdate:
    def test_admin_changes_role_and_district(self, admin, coord_a):
        district = bengkalis_village().parent
        services.user_update(actor=admin, user=coord_a, role=Role.ADMIN, district=district, phone="081234567890")
        coord_a.refresh_from_db()
        assert coord_a.role == Role.ADMIN
        assert coord_a.district == district
        assert coord_a.phone == "+6281234567890"

    def test_coordinator_refused(self, coord_a, coord_b):
        with pytest.raises(PermissionDenied):
            services.user_update(actor=coord_a, user=coord_b, first_name="X")
        with pytest.raises(PermissionDenied):
            services.user_update(actor=coord_a, user=coord_a, role=Role.ADMIN)
        coord_a.refresh_from_db()
        assert coord_a.role == Role.COORDINATOR

    def test_admin_cannot_demote_self(self, admin):
        with pytest.raises(ValidationError) as exc:
            services.user_update(actor=admin, user=admin, role=Role.COORDINATOR)
        assert exc.value.error_dict["role"][0].code == "own_role"
        admin.refresh_from_db()
        assert admin.role == Role.ADMIN

    def test_self_check_uses_stored_row_not_the_changed_instance(self, admin):
        # A bound ModelForm copies its input onto the instance before the service runs.
        same = User.objects.get(pk=admin.pk)
        same.role = Role.COORDINATOR
        with pytest.raises(ValidationError):
            services.user_update(actor=admin, user=same, role=Role.COORDINATOR)
        assert User.objects.get(pk=admin.pk).role == Role.ADMIN

    def test_admin_may_edit_own_name(self, admin):
        services.user_update(actor=admin, user=admin, first_name="Anita", role=Role.ADMIN, is_active=True)
        admin.refresh_from_db()
        assert admin.first_name == "Anita"

    def test_unknown_field_refused(self, admin, coord_a):
        with pytest.raises(TypeError):
            services.user_update(actor=admin, user=coord_a, is_superuser=True)

    def test_admin_can_demote_another_admin(self, admin):
        other = AdminFactory()
        services.user_update(actor=admin, user=other, role=Role.COORDINATOR)
        other.refresh_from_db()
        assert other.role == Role.COORDINATOR


class TestActivation:
    def test_deactivate_and_activate(self, admin, coord_a):
        services.user_deactivate(actor=admin, user=coord_a)
        coord_a.refresh_from_db()
        assert not coord_a.is_active
        assert not coord_a.is_coordinator
        services.user_activate(actor=admin, user=coord_a)
        coord_a.refresh_from_db()
        assert coord_a.is_active

    def test_admin_cannot_deactivate_self(self, admin):
        with pytest.raises(ValidationError) as exc:
            services.user_deactivate(actor=admin, user=admin)
        assert exc.value.error_dict["is_active"][0].code == "own_active"
        admin.refresh_from_db()
        assert admin.is_active

    def test_coordinator_cannot_deactivate(self, coord_a, coord_b):
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=coord_a, user=coord_b)

    def test_deactivated_admin_loses_admin_powers(self, admin):
        other = AdminFactory()
        services.user_deactivate(actor=admin, user=other)
        other.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.user_activate(actor=other, user=other)


class TestPasswords:
    def test_admin_resets_password(self, admin, coord_a):
        services.user_set_password(actor=admin, user=coord_a, password=NEW_PASSWORD)
        coord_a.refresh_from_db()
        assert coord_a.check_password(NEW_PASSWORD)

    def test_coordinator_cannot_reset_others(self, coord_a, coord_b):
        with pytest.raises(PermissionDenied):
            services.user_set_password(actor=coord_a, user=coord_b, password=NEW_PASSWORD)
        coord_b.refresh_from_db()
        assert not coord_b.check_password(NEW_PASSWORD)

    def test_reset_validates_password(self, admin, coord_a):
        with pytest.raises(ValidationError):
            services.user_set_password(actor=admin, user=coord_a, password="short")

    def test_own_password(self, coord_a):
        services.profile_set_password(actor=coord_a, password=NEW_PASSWORD)
        coord_a.refresh_from_db()
        assert coord_a.check_password(NEW_PASSWORD)


class TestUnlock:
    def test_admin_unlocks_every_address_of_that_user_only(self, admin, coord_a, coord_b):
        lock(coord_a.username, "10.0.0.1")
        lock(coord_a.username, "10.0.0.2")
        lock(coord_b.username)
        assert services.user_unlock(actor=admin, user=coord_a) == 2
        assert not AccessAttempt.objects.filter(username=coord_a.username).exists()
        assert AccessAttempt.objects.filter(username=coord_b.username).exists()

    def test_coordinator_cannot_unlock(self, coord_a, coord_b):
        lock(coord_b.username)
        with pytest.raises(PermissionDenied):
            services.user_unlock(actor=coord_a, user=coord_b)
        assert AccessAttempt.objects.filter(username=coord_b.username).exists()


class TestProfileUpdate:
    def test_updates_own_details_only(self, coord_a):
        services.profile_update(
            actor=coord_a, first_name="Budiman", last_name="A", email="b@example.org", phone="+62 812 3456 7890"
        )
        coord_a.refresh_from_db()
        assert (coord_a.first_name, coord_a.email, coord_a.phone) == ("Budiman", "b@example.org", "+6281234567890")
        assert coord_a.role == Role.COORDINATOR

    def test_role_is_not_a_parameter(self, coord_a):
        with pytest.raises(TypeError):
            services.profile_update(  # type: ignore[call-arg]
                actor=coord_a, first_name="B", last_name="", email="", phone="", role=Role.ADMIN
            )

    def test_bad_phone(self, coord_a):
        with pytest.raises(ValidationError) as exc:
            services.profile_update(actor=coord_a, first_name="B", last_name="", email="", phone="+1 202 555 0100")
        assert "phone" in exc.value.error_dict
