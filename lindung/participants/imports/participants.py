"""The participants import kind: columns, how a row becomes registration data, and how a
valid row is written (participant_register / participant_update, actor = the importer)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import CharField
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import User
from lindung.communities.models import CommunityGroup
from lindung.core.scoping import scope_queryset
from lindung.jobs.models import Job
from lindung.participants import services
from lindung.participants.models import Participant
from lindung.participants.nik import clean_nik
from lindung.regions.models import Level, Region

from . import values
from .base import Action, Outcome, SourceRow
from .columns import ColumnSpec
from .kinds import KindSpec, register_kind
from .pipeline import CHUNK_ROWS, CommitAborted
from .row_errors import add_remaining_errors
from .validation import check_registration, check_update
from .villages import VillageName, VillageNames, village_reference

COLUMNS: Sequence[ColumnSpec] = (
    ColumnSpec("nik", gettext_lazy("NIK"), ("no ktp", "nomor ktp", "nomor nik", "nik ktp"), required=True),
    ColumnSpec(
        "full_name",
        gettext_lazy("Name"),
        ("nama", "nama lengkap", "name", "full name", "nama peserta", "nama sesuai ktp"),
        required=True,
    ),
    ColumnSpec("birth_place", gettext_lazy("Place of birth"), ("tempat lahir", "birth place", "place of birth"), True),
    ColumnSpec(
        "birth_date",
        gettext_lazy("Date of birth"),
        ("tanggal lahir", "tgl lahir", "tgl. lahir", "birth date", "date of birth", "dob"),
        required=True,
    ),
    ColumnSpec("sex", gettext_lazy("Sex"), ("jenis kelamin", "jk", "l/p", "sex", "gender", "kelamin"), required=True),
    ColumnSpec("address", gettext_lazy("Address"), ("alamat", "address", "alamat lengkap"), required=True),
    ColumnSpec(
        "village",
        gettext_lazy("Village (name or code)"),
        (
            "kode desa",
            "kode kelurahan",
            "kode desa/kelurahan",
            "village code",
            "kode wilayah",
            "village",
            "desa",
            "kelurahan",
            "desa/kelurahan",
            "nama desa",
            "desa (nama atau kode)",
            "village (name or code)",
        ),
        required=True,
    ),
    ColumnSpec(
        "phone",
        gettext_lazy("Mobile phone"),
        ("no hp", "nomor hp", "no. hp", "hp", "no handphone", "no telepon", "telepon", "no wa", "phone", "mobile"),
    ),
    ColumnSpec("email", gettext_lazy("Email"), ("email", "e-mail", "surel")),
    ColumnSpec("occupation", gettext_lazy("Occupation"), ("pekerjaan", "occupation", "job")),
    ColumnSpec("category", gettext_lazy("Category"), ("kategori", "category", "segmen")),
    ColumnSpec(
        "declared_income",
        gettext_lazy("Monthly income"),
        ("penghasilan", "pendapatan", "penghasilan per bulan", "income", "declared income"),
    ),
    ColumnSpec("community_group", gettext_lazy("Group"), ("kelompok", "nama kelompok", "group", "community group")),
    ColumnSpec(
        "family_card_number",
        gettext_lazy("Family card number (KK)"),
        ("no kk", "nomor kk", "kk", "no. kk", "nomor kartu keluarga", "family card number"),
    ),
    ColumnSpec("membership_number", gettext_lazy("KPJ"), ("kpj", "no kpj", "nomor kpj", "membership number")),
)

_READERS = {
    "birth_date": values.date,
    "sex": values.sex,
    "category": values.category,
    "declared_income": values.rupiah,
    "family_card_number": values.digits,
    "membership_number": values.digits,
}
_LOOKUP_CHUNK = 1000
# Rows a commit checks and writes at a time: each chunk costs a fixed number of queries
# (lookups, uniqueness, likely duplicates, tallies), so bigger chunks cost fewer of them.
COMMIT_CHUNK_ROWS = 5000


class ParticipantImport:
    columns = COLUMNS

    def __init__(
        self, *, actor: User, coordinator: User | None = None, bulk: bool = True, committing: bool = False
    ) -> None:
        self.actor = actor
        # At commit, new rows are checked once, by participants_register_bulk itself (the
        # same _clean): checking them here too would double the commit's main cost.
        self.committing = committing and bulk
        # Bulk writes by default; the per-row path stays for comparison (tests, bench).
        self.bulk = bulk
        self.chunk_rows = COMMIT_CHUNK_ROWS if self.committing else CHUNK_ROWS
        # Whose participants new rows become: a coordinator always imports for themselves.
        self.coordinator = actor if actor.is_coordinator else coordinator
        self._seen_nik: dict[str, str] = {}
        self._seen_kpj: dict[str, str] = {}
        self._villages: dict[str, Region | None] = {}
        self._village_names = VillageNames(self.coordinator)

    # -- checking ---------------------------------------------------------------------

    def check(self, rows: list[SourceRow]) -> list[Outcome]:
        parsed = [self._parse(row) for row in rows]
        niks = {o.key for o, _data in parsed if o.key}
        # Who holds these NIKs, then which of them the actor may see: scoping the NIK lookup
        # itself lets PostgreSQL read all of a coordinator's rows to find a few NIKs.
        # order_by(): the model's ordering (by name) would only add a sort to these lookups.
        stored = dict(Participant.objects.filter(nik__in=niks).order_by().values_list("pk", "nik"))
        visible = {
            p.nik: p
            for p in scope_queryset(self.actor, Participant.objects.filter(pk__in=stored))
            .select_related("village", "community_group")
            .order_by()
        }
        taken = set(stored.values()) - visible.keys()
        self._load_villages({d["village"] for _o, d in parsed if isinstance(d.get("village"), str)})
        groups = self._groups({d["community_group"].casefold() for _o, d in parsed if d.get("community_group")})
        kpjs = {d["membership_number"] for _o, d in parsed if d.get("membership_number")}
        kpj_owner = {
            kpj: nik
            for kpj, nik in Participant.objects.filter(membership_number__in=kpjs)
            .order_by()
            .values_list("membership_number", "nik")
            if kpj
        }
        outcomes = []
        for outcome, data in parsed:
            self._resolve(outcome, data, groups)
            self._check_in_file(outcome, data, kpj_owner)
            if outcome.key in taken:
                outcome.fail("nik", _(services.DUPLICATE_NIK_MESSAGE))
            if outcome.action != Action.ERROR:
                self._validate(outcome, data, visible.get(outcome.key))
            else:
                add_remaining_errors(outcome, data, visible.get(outcome.key))
            outcomes.append(outcome)
        return outcomes

    def _parse(self, row: SourceRow) -> tuple[Outcome, dict[str, Any]]:
        outcome = Outcome(row=row)
        data: dict[str, Any] = {}
        for name, (raw, _label) in row.cells.items():
            if values.is_blank(raw):
                continue  # an empty cell leaves the current value as it is
            try:
                data[name] = self._read(name, raw)
            except values.CellError as exc:
                outcome.fail(name, str(exc))
        nik_raw = row.cells["nik"][0]
        outcome.key = clean_nik(values.text(nik_raw)) if not values.is_blank(nik_raw) else ""
        if len(outcome.key) != 16 and outcome.action != Action.ERROR:
            outcome.key = ""  # the service's check names the problem
        if outcome.key.endswith("0") and values.excel_number_warning(nik_raw):
            outcome.fail("nik", values.excel_number_warning(nik_raw).strip())
        return outcome, data

    def _read(self, name: str, raw: Any) -> Any:
        if name in _READERS:
            return _READERS[name](raw)
        if name == "nik":
            return values.digits(raw)
        if name == "village":
            return village_reference(raw)
        text = values.text(raw)
        if name == "email":
            try:
                validate_email(text)
            except ValidationError as exc:
                raise values.CellError(_("Enter a valid email address.")) from exc
        field = Participant._meta.get_field(name)
        # The phone's length is the service's business: it stores the normalised form.
        if name != "phone" and isinstance(field, CharField) and field.max_length and len(text) > field.max_length:
            raise values.CellError(_("At most %(max)d characters.") % {"max": field.max_length})
        return text

    def _load_villages(self, codes: set[str]) -> None:
        wanted = sorted(codes - self._villages.keys())
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            found = {r.code: r for r in Region.objects.filter(code__in=chunk, level=Level.VILLAGE)}
            self._villages.update({code: found.get(code) for code in chunk})

    def _groups(self, names: set[str]) -> dict[str, list[CommunityGroup]]:
        if not names:
            return {}
        queryset = CommunityGroup.objects.annotate(folded=Lower("name")).filter(folded__in=names)
        if self.actor.is_coordinator:
            queryset = scope_queryset(self.actor, queryset)
        groups: dict[str, list[CommunityGroup]] = defaultdict(list)
        for group in queryset.only("id", "name", "village_id", "coordinator_id"):
            groups[group.name.casefold()].append(group)
        return groups

    def _resolve(self, outcome: Outcome, data: dict[str, Any], groups: dict[str, list[CommunityGroup]]) -> None:
        if isinstance(data.get("village"), VillageName):
            village, problem = self._village_names.resolve(data["village"])
            if village is None:
                outcome.fail("village", problem)
                del data["village"]
            else:
                data["village"] = village
        elif "village" in data:
            village = self._villages.get(data["village"])
            if village is None:
                outcome.fail("village", _("No village has the code %(code)s.") % {"code": data["village"]})
                del data["village"]
            else:
                data["village"] = village
        name = data.pop("community_group", None)
        if name is None:
            return
        group = self._pick_group(groups.get(name.casefold(), []), data.get("village"))
        if group is None:
            outcome.fail(
                "community_group",
                _("No group named “%(name)s” in this village or among the coordinator's groups.") % {"name": name},
            )
        else:
            data["community_group"] = group

    def _pick_group(self, candidates: list[CommunityGroup], village: Any) -> CommunityGroup | None:
        if isinstance(village, Region):
            in_village = [g for g in candidates if g.village_id == village.pk]
            if in_village:
                return in_village[0]  # names are unique within a village
        owner_id = self.coordinator.pk if self.coordinator else None
        mine = [g for g in candidates if owner_id and g.coordinator_id == owner_id]
        return mine[0] if len(mine) == 1 else None

    def _check_in_file(self, outcome: Outcome, data: dict[str, Any], kpj_owner: dict[str, str]) -> None:
        where = _("sheet “%(sheet)s”, row %(row)s") % {"sheet": outcome.row.sheet, "row": outcome.row.number}
        if outcome.key:
            first = self._seen_nik.setdefault(outcome.key, where)
            if first != where:
                outcome.fail("nik", _("The same NIK is already in %(where)s.") % {"where": first})
        kpj = data.get("membership_number")
        if kpj:
            first = self._seen_kpj.setdefault(kpj, where)
            if first != where:
                outcome.fail("membership_number", _("The same KPJ is already in %(where)s.") % {"where": first})
            elif kpj_owner.get(kpj, outcome.key) != outcome.key:
                outcome.fail("membership_number", _("This membership number (KPJ) is already in use."))

    def _validate(self, outcome: Outcome, data: dict[str, Any], current: Participant | None) -> None:
        try:
            if current is None:
                if not self.committing:
                    check_registration(actor=self.actor, data=data)
                outcome.payload = data
                name = " ".join(str(data.get("full_name", "")).split())
                outcome.summary = {"name": name, "village": getattr(data.get("village"), "name", "")}
                return
            changed = check_update(actor=self.actor, participant=current, data=data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    outcome.fail(name, message)
            return
        except PermissionDenied:
            outcome.fail("nik", _(services.DUPLICATE_NIK_MESSAGE))
            return
        outcome.action = Action.UPDATED if changed else Action.UNCHANGED
        outcome.payload = (current, changed)
        outcome.summary = {
            "name": current.full_name,
            "changed": [_label(name) for name in changed],
        }

    # -- writing ------------------------------------------------------------------------

    def write(self, outcomes: Iterable[Outcome]) -> None:
        if not self.bulk:
            self._write_per_row(outcomes)
            return
        rows = list(outcomes)
        new = [o for o in rows if o.action == Action.NEW]
        updated = [o for o in rows if o.action == Action.UPDATED]
        batch = new
        try:
            services.participants_register_bulk(
                actor=self.actor, rows=[o.payload for o in new], coordinator=self.coordinator
            )
            batch = updated
            services.participants_update_bulk(actor=self.actor, changes=[o.payload for o in updated])
        except services.BulkRowError as exc:
            raise _aborted(batch[exc.index], exc) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise _aborted(batch[0] if batch else rows[0], exc) from exc

    def _write_per_row(self, outcomes: Iterable[Outcome]) -> None:
        """One service call a row: the path before bulk writes, kept for comparison."""
        for outcome in outcomes:
            try:
                if outcome.action == Action.NEW:
                    services.participant_register(actor=self.actor, data=outcome.payload, coordinator=self.coordinator)
                elif outcome.action == Action.UPDATED:
                    current, changed = outcome.payload
                    services.participant_update(actor=self.actor, participant=current, data=changed)
            except (ValidationError, PermissionDenied) as exc:
                raise _aborted(outcome, exc) from exc


def _aborted(outcome: Outcome, exc: Exception) -> CommitAborted:
    # Someone registered or changed the same worker since the preview.
    if not isinstance(exc, ValidationError):
        return CommitAborted(str(exc))
    return CommitAborted(
        _("Nothing was imported: sheet “%(sheet)s”, row %(row)s: %(message)s")
        % {"sheet": outcome.row.sheet, "row": outcome.row.number, "message": " ".join(exc.messages)}
    )


def _label(name: str) -> str:
    return str(getattr(Participant._meta.get_field(name), "verbose_name", name))


def _build(preview: Job, committing: bool) -> ParticipantImport:
    params = preview.params
    coordinator = User.objects.filter(pk=params["coordinator"]).first() if params.get("coordinator") else None
    return ParticipantImport(actor=preview.created_by, coordinator=coordinator, committing=committing)


def register() -> None:
    """Called from ParticipantsConfig.ready(): the import pages and jobs find the kind by name."""
    register_kind(KindSpec("participants", COLUMNS, _build))
