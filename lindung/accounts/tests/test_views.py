import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import Role, User
from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import DEFAULT_PASSWORD, AdminFactory, CoordinatorFactory, bengkalis_village

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-unusual-passphrase"


def lock(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


def admin_urls(target: User) -> list[tuple[str, str]]:
    return [
        ("get", reverse("accounts:user_list")),
        ("get", reverse("accounts:user_create")),
        ("get", reverse("accounts:user_edit", args=[target.pk])),
        ("get", reverse("accounts:user_password", args=[target.pk])),
        ("post", reverse("accounts:user_unlock", args=[target.pk])),
        ("get", reverse("accounts:audit")),
        ("get", reverse("accounts:audit") + "?tab=changes"),
        ("get", reverse("accounts:audit_changes")),
    ]


class TestPermissionMatrix:
    def test_anonymous_goes_to_login(self, client, coord_a):
        for method, url in [*admin_urls(coord_a), ("get", reverse("accounts:profile"))]:
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("accounts:login")), url

    @pytest.mark.parametrize("who", ["coord_a", "coord_b"])
    def test_coordinators_get_403(self, request, who, coord_a):
        c = login_client(request.getfixturevalue(who))
        for method, url in admin_urls(coord_a):
            assert getattr(c, method)(url).status_code == 403, url

    def test_admin_reaches_everything(self, admin, coord_a):
        c = login_client(admin)
        for method, url in admin_urls(coord_a):
            response = getattr(c, method)(url)
            assert response.status_code == (302 if method == "post" else 200), url

    @pytest.mark.parametrize("who", ["coord_a", "coord_b", "admin"])
    def test_everyone_has_a_profile(self, request, who):
        user = request.getfixturevalue(who)
        response = login_client(user).get(reverse("accounts:profile"))
        assert response.status_code == 200
        assert user.username in response.content.decode()

    def test_missing_user_is_404_for_admin(self, admin):
        assert login_client(admin).get(reverse("accounts:user_edit", args=[99999])).status_code == 404

    def test_unlock_needs_post(self, admin, coord_a):
        assert login_client(admin).get(reverse("accounts:user_unlock", args=[coord_a.pk])).status_code == 405


class TestUserList:
    def test_search_filter_and_lock_badge(self, admin, coord_a, coord_b):
        lock(coord_a.username)
        c = login_client(admin)
        page = c.get(reverse("accounts:user_list"), {"q": "alpha"}).content.decode()
        assert coord_a.username in page
        assert coord_b.username not in page
        assert "Locked out" in page
        page = c.get(reverse("accounts:user_list"), {"role": Role.ADMIN}).content.decode()
        assert admin.username in page
        assert coord_a.username not in page

    def test_active_filter(self, admin, coord_a, coord_b):
        coord_b.is_active = False
        coord_b.save()
        page = login_client(admin).get(reverse("accounts:user_list"), {"active": "no"}).content.decode()
        assert coord_b.username in page
        assert coord_a.username not in page

    def test_old_failures_do_not_show_as_locked(self, admin, coord_a):
        lock(coord_a.username)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=2))
        page = login_client(admin).get(reverse("accounts:user_list")).content.decode()
        assert "Locked out" not in page

    def test_query_count_does_not_grow_with_rows(self, admin, django_assert_max_num_queries):
        district = bengkalis_village().parent
        for _ in range(40):
            user = CoordinatorFactory(district=district)
            lock(user.username)
        c = login_client(admin)
        # session, user, count, rows, and the session save every request renews (3 statements).
        with django_assert_max_num_queries(7):
            response = c.get(reverse("accounts:user_list"), {"per_page": 50})
        assert response.content.decode().count("Locked out") >= 40


class TestUserCreateView:
    def test_creates_and_shows_message(self, admin):
        district = bengkalis_village().parent
        response = login_client(admin).post(
            reverse("accounts:user_create"),
            {
                "username": "rina",
                "first_name": "Rina",
                "last_name": "Sari",
                "email": "rina@example.org",
                "phone": "0812 3456 7890",
                "role": Role.COORDINATOR,
                "district": district.pk,
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
            follow=True,
        )
        user = User.objects.get(username="rina")
        assert user.phone == "+6281234567890"
        assert user.district == district
        assert "Account rina created." in response.content.decode()

    def test_field_errors_shown_beside_fields(self, admin):
        response = login_client(admin).post(
            reverse("accounts:user_create"),
            {"username": "rina", "phone": "12345", "role": Role.COORDINATOR, "password1": "x", "password2": "y"},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "phone" in form.errors
        assert "password2" in form.errors
        assert not User.objects.filter(username="rina").exists()

    def test_village_is_not_a_district_choice(self, admin):
        village = bengkalis_village()
        response = login_client(admin).post(
            reverse("accounts:user_create"), {"username": "rina", "role": Role.COORDINATOR, "district": village.pk}
        )
        assert "district" in response.context["form"].errors


class TestUserEditView:
    def edit_data(self, user: User, **changes):
        data = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "role": user.role,
            "district": "",
            "is_active": "on" if user.is_active else "",
        }
        return {**data, **changes}

    def test_admin_edits_and_deactivates(self, admin, coord_a):
        response = login_client(admin).post(
            reverse("accounts:user_edit", args=[coord_a.pk]),
            self.edit_data(coord_a, role=Role.ADMIN, is_active=""),
            follow=True,
        )
        coord_a.refresh_from_db()
        assert coord_a.role == Role.ADMIN
        assert not coord_a.is_active
        assert f"Account {coord_a.username} saved." in response.content.decode()

    def test_admin_cannot_demote_or_deactivate_self(self, admin):
        response = login_client(admin).post(
            reverse("accounts:user_edit", args=[admin.pk]), self.edit_data(admin, role=Role.COORDINATOR)
        )
        assert response.status_code == 200
        assert response.context["form"].errors.as_data()["role"][0].code == "own_role"
        assert "You cannot change your own role." in response.content.decode()
        response = login_client(admin).post(
            reverse("accounts:user_edit", args=[admin.pk]), self.edit_data(admin, is_active="")
        )
        assert "is_active" in response.context["form"].errors
        admin.refresh_from_db()
        assert admin.role == Role.ADMIN
        assert admin.is_active

    def test_edit_page_offers_unlock_when_locked(self, admin, coord_a):
        lock(coord_a.username)
        c = login_client(admin)
        page = c.get(reverse("accounts:user_edit", args=[coord_a.pk])).content.decode()
        assert reverse("accounts:user_unlock", args=[coord_a.pk]) in page
        response = c.post(reverse("accounts:user_unlock", args=[coord_a.pk]), follow=True)
        assert f"{coord_a.username} can sign in again." in response.content.decode()
        assert not AccessAttempt.objects.filter(username=coord_a.username).exists()

    def test_password_reset(self, admin, coord_a):
        response = login_client(admin).post(
            reverse("accounts:user_password", args=[coord_a.pk]),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
        coord_a.refresh_from_db()
        assert coord_a.check_password(NEW_PASSWORD)
        assert "New password set for" in response.content.decode()

    def test_password_reset_ends_the_users_sessions(self, admin, coord_a):
        theirs = login_client(coord_a)
        assert theirs.get(reverse("accounts:profile")).status_code == 200
        login_client(admin).post(
            reverse("accounts:user_password", args=[coord_a.pk]),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert theirs.get(reverse("accounts:profile")).status_code == 302


class TestProfile:
    def profile_data(self, **changes):
        data = {
            "action": "profile",
            "profile-first_name": "Budiman",
            "profile-last_name": "Alpha",
            "profile-email": "budi@example.org",
            "profile-phone": "0812-3456-7890",
        }
        return {**data, **changes}

    def test_updates_own_details(self, coord_a):
        response = login_client(coord_a).post(reverse("accounts:profile"), self.profile_data(), follow=True)
        coord_a.refresh_from_db()
        assert coord_a.first_name == "Budiman"
        assert coord_a.phone == "+6281234567890"
        assert "Your profile has been saved." in response.content.decode()

    def test_cannot_escalate_role_or_reactivate(self, coord_a):
        login_client(coord_a).post(
            reverse("accounts:profile"),
            self.profile_data(**{"role": Role.ADMIN, "profile-role": Role.ADMIN, "profile-is_superuser": "on"}),
        )
        coord_a.refresh_from_db()
        assert coord_a.role == Role.COORDINATOR
        assert not coord_a.is_superuser
        assert coord_a.first_name == "Budiman"

    def test_phone_error_beside_field(self, coord_a):
        response = login_client(coord_a).post(
            reverse("accounts:profile"), self.profile_data(**{"profile-phone": "hello"})
        )
        assert "phone" in response.context["profile_form"].errors
        coord_a.refresh_from_db()
        assert coord_a.first_name != "Budiman"

    def test_change_password_keeps_session(self, coord_a):
        c = login_client(coord_a)
        response = c.post(
            reverse("accounts:profile"),
            {
                "action": "password",
                "password-old_password": DEFAULT_PASSWORD,
                "password-new_password1": NEW_PASSWORD,
                "password-new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
        assert "Your password has been changed." in response.content.decode()
        coord_a.refresh_from_db()
        assert coord_a.check_password(NEW_PASSWORD)
        assert c.get(reverse("accounts:profile")).status_code == 200

    def test_wrong_old_password(self, coord_a):
        response = login_client(coord_a).post(
            reverse("accounts:profile"),
            {
                "action": "password",
                "password-old_password": "nope",
                "password-new_password1": NEW_PASSWORD,
                "password-new_password2": NEW_PASSWORD,
            },
        )
        assert "old_password" in response.context["password_form"].errors
        coord_a.refresh_from_db()
        assert coord_a.check_password(DEFAULT_PASSWORD)

    def test_admin_profile_cannot_demote(self):
        admin = AdminFactory()
        login_client(admin).post(reverse("accounts:profile"), self.profile_data(**{"profile-role": Role.COORDINATOR}))
        admin.refresh_from_db()
        assert admin.role == Role.ADMIN
