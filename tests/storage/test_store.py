"""The results store's claim/complete protocol, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.model import ChecklistResult, Report, ReportSource
from pipeline.store import Claim, ResultsStore, Skip


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'results.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    store = ResultsStore(url)
    with store.engine.begin() as conn:  # the PostgreSQL cluster is shared by the session
        conn.exec_driver_sql("DELETE FROM packet_results")
    yield store
    store.dispose()


def report(packet_id: str, status: str = "processed") -> Report:
    source = ReportSource(uri=f"s3://b/{packet_id}.pdf", sha256="ab" * 32)
    return Report(packet_id=packet_id, status=status, source=source,
                  checklist=ChecklistResult(id="appeal", status="incomplete", missing_documents=["clinical_note"]))


def take(store: ResultsStore, run: str, identity: str = "s3://b/P1.pdf#etag1", lease: float = 60, redo: bool = False):
    return store.claim(identity, "s3://b/P1.pdf", "etag1", "P1", run, lease, redo=redo)


def test_claim_complete_then_skip(store):
    first = take(store, "run-a")
    assert isinstance(first, Claim) and first.attempt == 1
    busy = take(store, "run-b")
    assert isinstance(busy, Skip) and busy.reason == "busy"
    assert store.complete(first, report("P1"), "s3://out/P1/report.json", "s3://out/")
    again = take(store, "run-c")
    assert isinstance(again, Skip) and again.reason == "done"
    assert Report.model_validate_json(again.report_json).packet_id == "P1"
    rec = store.record(first.identity)
    assert (rec.state, rec.status, rec.checklist_id, rec.checklist_status, rec.attempts) == \
        ("done", "processed", "appeal", "incomplete", 1)
    assert [r.packet_id for r in store.reports("s3://out/")] == ["P1"]


def test_redo_takes_a_done_packet_but_not_within_the_same_run(store):
    first = take(store, "run-a")
    store.complete(first, report("P1"), None, "out")
    assert isinstance(take(store, "run-a", redo=True), Skip)
    second = take(store, "run-b", redo=True)
    assert isinstance(second, Claim) and second.attempt == 2


def test_expired_claim_is_taken_over_and_the_old_owner_is_fenced(store):
    crashed = take(store, "run-a", lease=0.2)
    assert isinstance(take(store, "run-b"), Skip)
    time.sleep(0.3)
    retry = take(store, "run-b")
    assert isinstance(retry, Claim) and retry.attempt == 2
    assert not store.complete(crashed, report("P1", "failed"), None, "out")  # the crashed worker woke up late
    assert not store.renew(crashed, 60)
    assert store.complete(retry, report("P1"), None, "out")
    assert store.record(retry.identity).status == "processed"


def test_release_lets_the_next_run_retry_at_once(store):
    first = take(store, "run-a", lease=3600)
    store.release(first, "E_S3_DOWN")
    retry = take(store, "run-b")
    assert isinstance(retry, Claim) and retry.attempt == 2
    assert store.record(retry.identity).last_error == "E_S3_DOWN"


def test_a_changed_file_at_the_same_uri_is_a_new_packet(store):
    store.complete(take(store, "run-a"), report("P1"), None, "out")
    changed = store.claim("s3://b/P1.pdf#etag2", "s3://b/P1.pdf", "etag2", "P1", "run-b", 60)
    assert isinstance(changed, Claim)


def test_concurrent_claims_have_exactly_one_winner(store):
    """Eight threads race for each of five packets (expired and fresh claims): one wins each."""
    identities = [f"s3://b/P{i}.pdf#e" for i in range(5)]
    crashed = store.claim(identities[0], "u", "e", "P0", "dead-run", 0.01)  # expired by the time they race
    assert isinstance(crashed, Claim)
    time.sleep(0.05)
    wins: list[Claim] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def racer(n: int) -> None:
        barrier.wait()
        for identity in identities:
            got = store.claim(identity, "u", "e", identity[7:9], f"run-{n}", 60)
            if isinstance(got, Claim):
                with lock:
                    wins.append(got)

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c.identity for c in wins) == sorted(identities)
    assert {c.identity: c.attempt for c in wins}[identities[0]] == 2
