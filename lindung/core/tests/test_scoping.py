import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from lindung.core.scoping import get_scoped_or_404, scope_queryset
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, UserFactory
from lindung.participants.models import IdentityDocument, Participant
from lindung.participants.tests.factories import ParticipantFactory
from lindung.regions.models import Region

pytestmark = pytest.mark.django_db


def test_each_kind_of_user_sees_what_the_rule_says():
    a, b = CoordinatorFactory(), CoordinatorFactory()
    mine, theirs = ParticipantFactory(coordinator=a), ParticipantFactory(coordinator=b)
    everyone = Participant.objects.all()
    assert list(scope_queryset(a, everyone)) == [mine]
    assert set(scope_queryset(AdminFactory(), everyone)) == {mine, theirs}
    assert not scope_queryset(AnonymousUser(), everyone).exists()
    assert not scope_queryset(UserFactory(role="unknown"), everyone).exists()
    inactive = CoordinatorFactory(is_active=False)
    ParticipantFactory(coordinator=inactive)
    assert not scope_queryset(inactive, everyone).exists()


def test_scope_follows_relations_declared_by_the_model():
    a = CoordinatorFactory()
    participant = ParticipantFactory(coordinator=a)
    doc = IdentityDocument.objects.create(
        participant=participant,
        kind="ktp",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=a,
    )
    assert list(scope_queryset(a, IdentityDocument.objects.all())) == [doc]
    assert not scope_queryset(CoordinatorFactory(), IdentityDocument.objects.all()).exists()


def test_scope_is_one_sql_condition_not_a_list_of_ids():
    a = CoordinatorFactory()
    sql = str(scope_queryset(a, Participant.objects.all()).query)
    assert '"coordinator_id" = ' in sql and " IN (" not in sql


def test_models_without_a_scope_are_refused_for_coordinators():
    with pytest.raises(TypeError):
        scope_queryset(CoordinatorFactory(), Region.objects.all())


def test_not_yours_and_missing_are_the_same_404():
    theirs = ParticipantFactory()
    me = CoordinatorFactory()
    with pytest.raises(Http404):
        get_scoped_or_404(me, Participant.objects.all(), pk=theirs.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(me, Participant.objects.all(), pk=theirs.pk + 1000)
