from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.access import ALL, Kind, Rule
from lindung.core.models import TimeStampedModel
from lindung.core.storage import private_storage  # migrations name it here: keep the import


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Category(models.TextChoices):
    INFORMAL = "informal", _("Informal worker (BPU)")
    WAGE_EARNER = "wage_earner", _("Wage earner (PU)")
    CONSTRUCTION = "construction", _("Construction worker (Jakon)")
    MIGRANT = "migrant", _("Migrant worker (PMI)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACTIVE = "active", _("Active")
    NON_ACTIVE = "non_active", _("Non-active")
    EXITED = "exited", _("Exited")
    DECEASED = "deceased", _("Deceased")


class ConsentMethod(models.TextChoices):
    PAPER_FORM = "paper_form", _("Signed paper form")
    VERBAL = "verbal", _("Verbal, witnessed by the coordinator")
    WHATSAPP = "whatsapp", _("Reply on WhatsApp")
    SELF_SERVICE = "self_service", _("Self-registration form")


# The columns the participant list sorts by (columns.py), the id, and the village and
# group whose names two of the sorts read: carried in the covering search indexes (with
# the NIK, and the coordinator, which each has as its key).
COVERED_SORT_FIELDS = ["full_name", "id", "registration_date", "status", "village", "community_group"]


class Participant(TimeStampedModel):
    """A worker in the registry (REG-1). Scoped by ``coordinator``: the coordinator who
    registered the worker or was assigned them later."""

    ACCESS = Rule(
        coordinator="coordinator",
        participant="pk",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add", "change", "delete", "record_payment", "submit", "withdraw"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    family_card_number = models.CharField(_("family card number (KK)"), max_length=16, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    # Case- and space-folded name: drives the likely-duplicate check and name search.
    name_key = models.CharField(max_length=150, db_index=True, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.TextField(_("address"))
    # Foreign keys whose column leads an index in Meta.indexes get no index of their own
    # (a duplicate costs every import and registration a write, and region codes would
    # add a LIKE index each).
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Copied from the village by the service so district filters and counts need no join.
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    phone = models.CharField(
        _("mobile phone"), max_length=16, blank=True, help_text=_("A mobile number, e.g. 0812-3456-7890.")
    )
    email = models.EmailField(_("email"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.INFORMAL)
    declared_income = models.PositiveBigIntegerField(_("declared monthly income (Rp)"), null=True, blank=True)
    community_group = models.ForeignKey(
        "communities.CommunityGroup",
        verbose_name=_("community group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        db_index=False,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        db_index=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="registered_participants",
    )
    registration_date = models.DateField(_("registration date"))
    membership_number = models.CharField(
        _("membership number (KPJ)"), max_length=20, null=True, blank=True, unique=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    contact_consent = models.BooleanField(_("agrees to be contacted by WhatsApp/SMS"), default=False)
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_at = models.DateTimeField(_("when consent was given"), null=True, blank=True)
    possible_duplicate = models.BooleanField(_("likely duplicate"), default=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["name_key", "updated_at"])

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["full_name", "id"]
        indexes = [
            # (…, full_name, id) matches the list's ORDER BY, so deep pages scan the index only.
            models.Index(fields=["coordinator", "full_name", "id"], name="participant_coord_name_id"),
            # The whole registry in the list's order, with what a search over the cap
            # tests (a name fragment, a NIK prefix) on the entry itself: an admin's walk
            # along it for "santoso" or "93" reads no table row (page 100 of "93" at
            # 10,000,000: 420 ms with the heap, 24 ms without).
            models.Index(fields=["full_name", "id"], include=["name_key", "nik"], name="participant_name_cover"),
            models.Index(fields=["district", "full_name", "id"], name="participant_district_name_id"),
            # A coordinator's name or NIK search reads only their own range of this index:
            # the name fragment or NIK prefix is tested on the index entry and every sort
            # key the list offers is in it, so the page's ids come from the index alone (an index-only
            # scan; it needs the visibility map that VACUUM, or autovacuum, keeps).
            models.Index(
                fields=["coordinator", "name_key"],
                include=[*COVERED_SORT_FIELDS, "nik"],
                name="participant_coord_cover",
            ),
            # A NIK prefix (a regency code holds ~33,000 of 10,000,000 NIKs) counted and
            # sorted the same way. LIKE 'prefix%' needs the pattern operator class.
            models.Index(
                fields=["nik"],
                opclasses=["varchar_pattern_ops"],
                include=[*COVERED_SORT_FIELDS, "coordinator"],
                name="participant_nik_cover",
            ),
            models.Index(fields=["village"], name="participant_village"),
            models.Index(fields=["community_group"], name="participant_group"),
            models.Index(fields=["status"], name="participant_status"),
            models.Index(fields=["registration_date"], name="participant_reg_date"),
            # The likely-duplicate check (name_key, birth_date) and the name window of a
            # common name (selectors.participants_name_window), which pages by all three
            # from the index alone, even 10,000 entries deep.
            models.Index(fields=["name_key", "birth_date", "id"], name="participant_dup_key_id"),
            # The dashboard's "turning 56 in the next three months" is a birth-date range.
            models.Index(fields=["birth_date"], name="participant_birth_date"),
            # A coordinator's age outreach (claims/outreach): their people past a birth date,
            # counted and listed from their own range instead of ANDing two bitmaps.
            models.Index(fields=["coordinator", "birth_date"], name="participant_coord_birth"),
            # Replies over WhatsApp/SMS find their sender by number (stored E.164 by the
            # services). Not partial: SQLite cannot tell that phone = '+62...' implies
            # phone <> '' and would not use it.
            models.Index(fields=["phone"], name="participant_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


def mask_nik(nik: str) -> str:
    """NIK with the birth date and serial hidden, for places that need no full number."""
    return f"{nik[:6]}{'*' * 6}{nik[12:]}" if len(nik) == 16 else nik


def document_path(instance: "IdentityDocument", filename: str) -> str:
    # The stored name carries no personal data; the original name is kept in a column.
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{instance.participant_id}/{uuid.uuid4().hex}.{suffix}"


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("Identity card (KTP)")
    KK = "kk", _("Family card (KK)")
    OTHER = "other", _("Other document")


class IdentityDocument(models.Model):
    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add", "delete"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class FamilyMember(models.Model):
    """Family members and heirs (ahli waris) of a participant."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add", "delete"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="family_members")
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    is_heir = models.BooleanField(_("heir (ahli waris)"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["relationship", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class FieldSubmission(models.Model):
    """A registration sent from field mode under the idempotency key the phone chose for
    it. The unique (sender, key) pair is what makes a retried or doubled send register the
    worker once: a second insert of the same key waits for the first transaction and then
    fails, and the sender gets the first answer back. Only accepted registrations are kept;
    a refused one rolls back with its row, so the corrected entry can go again."""

    ACCESS = Rule(
        coordinator="created_by",
        personal=True,
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add"}),
            Kind.OFFICER: frozenset({"view", "add"}),
        },
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(_("idempotency key"))
    participant = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, related_name="+")
    # The answer the first send got, returned as it was to every repeat.
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("field-mode submission")
        verbose_name_plural = _("field-mode submissions")
        constraints = [models.UniqueConstraint(fields=["created_by", "key"], name="field_submission_once_per_key")]

    def __str__(self) -> str:
        return str(self.key)
