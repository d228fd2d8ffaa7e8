"""Participant representations. Serializers here only shape and type the data: the
domain rules (NIK, phone, village, consent, duplicates) live in participants.services
and run for the API exactly as for the UI."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lindung.accounts.models import Role, User
from lindung.communities.models import CommunityGroup
from lindung.core.scoping import scope_queryset
from lindung.participants.columns import API_LIST_KEYS, EDITABLE_FIELDS, FIELDS
from lindung.participants.models import Category, ConsentMethod, Participant, Status
from lindung.regions.models import Region

from .fields import CodeRelatedField, IdField, OptionalEmailField

# Public ordering names and the columns behind them; id breaks ties so pages never overlap.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "full_name": ("full_name", "id"),
    "registration_date": ("registration_date", "id"),
    "nik": ("nik", "id"),
    "status": ("status", "id"),
    "updated_at": ("updated_at", "id"),
}
ORDERING_CHOICES = [*ORDERINGS, *(f"-{name}" for name in ORDERINGS)]


def order_by_columns(ordering: str) -> tuple[str, ...]:
    columns = ORDERINGS[ordering.lstrip("-")]
    return tuple(f"-{c}" for c in columns) if ordering.startswith("-") else columns


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class GroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CoordinatorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return str(user)


class ParticipantListSerializer(serializers.ModelSerializer):
    """One list row. The full NIK stays: coordinators look workers up by it, and the list
    is already narrowed to the caller's own participants (see README.md)."""

    village = RegionRefSerializer(read_only=True)
    district = RegionRefSerializer(read_only=True)
    phone = serializers.CharField(read_only=True, help_text=_("E.164, e.g. +6281234567890; empty if unknown."))
    community_group = GroupRefSerializer(read_only=True, allow_null=True)
    coordinator = CoordinatorRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Participant
        # The participant fields of a list row, from the one field list (participants/columns.py).
        fields = ["id", *(FIELDS[key].api for key in API_LIST_KEYS), "possible_duplicate"]
        read_only_fields = fields


class ParticipantSerializer(ParticipantListSerializer):
    """The full read representation (detail, and the answer to create and update)."""

    # Declared so the schema admits the empty value ("no consent recorded").
    consent_method = serializers.ChoiceField(choices=ConsentMethod.choices, allow_blank=True, read_only=True)
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "nik",
            "full_name",
            "birth_place",
            "birth_date",
            "sex",
            "family_card_number",
            "address",
            "village",
            "district",
            "phone",
            "email",
            "occupation",
            "category",
            "declared_income",
            "community_group",
            "coordinator",
            "registered_by",
            "registration_date",
            "membership_number",
            "status",
            "contact_consent",
            "consent_method",
            "consent_at",
            "possible_duplicate",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ParticipantWriteSerializer(serializers.ModelSerializer):
    """Input for create and update. Lengths are generous where people type separators
    ("1403 0109 0388 0001", "0812-3456-7890"): the service cleans and judges the value.
    No uniqueness validators: the service owns the duplicate-NIK rule and its message.

    For coordinators ``coordinator`` and ``membership_number`` are ignored; the service
    allows them only draft or submitted as a new status."""

    nik = serializers.CharField(max_length=32)
    family_card_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True)
    membership_number = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)
    village = CodeRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        help_text=_("Kemendagri code of the village, e.g. 14.03.01.2004."),
        error_messages={"does_not_exist": _("No region has the code {value}.")},
    )
    community_group = serializers.PrimaryKeyRelatedField(
        queryset=CommunityGroup.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Community group not found.")},
    )
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COORDINATOR, is_active=True),
        required=False,
        allow_null=True,
        help_text=_("Administrators only; a coordinator always registers for themselves."),
        error_messages={"does_not_exist": _("Coordinator not found.")},
    )
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Why the status changes, where the transition asks for a reason (exit, death, lapse)."),
    )

    class Meta:
        model = Participant
        fields = [*EDITABLE_FIELDS, "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:  # schema generation: describe the admin's view of the fields
            return
        group_field = self.fields["community_group"]
        assert isinstance(group_field, serializers.PrimaryKeyRelatedField)
        # Another coordinator's group answers "not found", exactly like a missing one.
        group_field.queryset = scope_queryset(user, CommunityGroup.objects.all())
        if not getattr(user, "is_admin", False):
            del self.fields["coordinator"]
            # The service refuses a coordinator's status or KPJ change (one rule for the
            # form, the API and imports); the KPJ is not even offered here.
            del self.fields["membership_number"]

    def validate_coordinator(self, value: User | None) -> User | None:
        if value is None and isinstance(self.instance, Participant) and self.instance.coordinator_id:
            raise serializers.ValidationError(_("A participant cannot be left without a coordinator; choose one."))
        return value


class ParticipantQuerySerializer(serializers.Serializer):
    """Query parameters of the list: search, the filters of the UI list, and ordering."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("NIK (or its first digits), KPJ number, mobile number (08…) or part of the name."),
    )
    district = serializers.CharField(required=False, help_text=_("District (kecamatan) code, e.g. 14.03.01."))
    village = serializers.CharField(required=False, help_text=_("Village code, e.g. 14.03.01.2004."))
    group = IdField(help_text=_("Community group id."))
    coordinator = IdField(help_text=_("Coordinator (user) id."))
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    possible_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=_("Only participants flagged as likely duplicates.")
    )
    ordering = serializers.ChoiceField(choices=ORDERING_CHOICES, required=False, default="full_name")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
