"""The replica router against a real streaming replica: a throwaway primary (15434) and a
standby made from it with pg_basebackup (15435). Reads inside reading_from_replica() go to
the standby while it is healthy, and to the primary when it lags or is down."""

import time

import pytest
from django.db import DatabaseError, connections

from lindung.core.databases import extra_database
from lindung.operations import replica
from lindung.operations.replica import reading_from_replica
from lindung.regions.models import Level, Region

from .servers import Cluster, skip_unless_postgresql_pass

pytestmark = [pytest.mark.stack, pytest.mark.django_db]
DB = "lindung_h13b_replica"


def remote(cluster: Cluster) -> dict:
    return {"NAME": DB, "HOST": "127.0.0.1", "PORT": cluster.port, "USER": "postgres", "PASSWORD": ""}


def replicated(code: str) -> bool:
    try:
        return Region.objects.using("replica").filter(code=code).exists()
    except DatabaseError:  # the table itself is not replayed yet
        return False


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def clusters(settings):
    skip_unless_postgresql_pass()
    primary = Cluster(15434)
    standby = Cluster(15435)
    try:
        hba = ("host replication postgres 127.0.0.1/32 trust",)
        primary.init("wal_level = replica", "max_wal_senders = 4", hba=hba)
        primary.start()
        primary.sql(f"CREATE DATABASE {DB}")
        standby.init_standby(primary)
        standby.start()
        settings.LINDUNG_REPLICA_CHECK_SECONDS = 0  # the tests change the replica's state at will
        settings.LINDUNG_REPLICA_MAX_LAG_SECONDS = 2
        with extra_database(**remote(primary)) as writer, extra_database(alias="replica", **remote(standby)):
            with connections[writer].schema_editor() as editor:
                editor.create_model(Region)  # the table the reads below go to, on the primary
            Region.objects.using(writer).create(code="99", name="Dari replika", level=Level.PROVINCE)
            wait_for(lambda: replicated("99"))
            replica.forget_health()
            yield primary, standby, writer
    finally:
        replica.forget_health()
        standby.destroy()
        primary.destroy()


def read_names() -> tuple[str, list[str]]:
    rows = Region.objects.filter(code="99")
    return rows.db, list(rows.values_list("name", flat=True))


def test_reads_go_to_a_healthy_replica_and_only_inside_the_context(clusters):
    with reading_from_replica():
        assert read_names() == ("replica", ["Dari replika"])
    assert read_names() == ("default", [])  # outside: the primary (the test database)
    assert replica.ReplicaRouter().db_for_write(Region) is None  # always the primary


def test_a_lagging_replica_falls_back_to_the_primary_until_it_catches_up(clusters):
    _, standby, writer = clusters
    standby.sql("SELECT pg_wal_replay_pause()", DB)
    Region.objects.using(writer).create(code="98", name="Belum direplikasi", level=Level.PROVINCE)
    time.sleep(3)  # more than LINDUNG_REPLICA_MAX_LAG_SECONDS behind the primary's commit
    with reading_from_replica():
        assert read_names()[0] == "default"
    standby.sql("SELECT pg_wal_replay_resume()", DB)
    wait_for(lambda: replicated("98"))
    with reading_from_replica():
        assert read_names() == ("replica", ["Dari replika"])


def test_a_replica_that_is_down_falls_back_to_the_primary(clusters):
    _, standby, _ = clusters
    standby.stop("immediate")
    started = time.monotonic()
    with reading_from_replica():
        assert read_names() == ("default", [])
    assert time.monotonic() - started < 10  # the probe fails fast, the page is served
