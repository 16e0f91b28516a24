"""Accounts: argon2id hashes with production parameters, the create-user CLI, rules on names and passwords."""

from __future__ import annotations

import pytest

from pipeline.cli import main
from pipeline.errors import IntakeError
from review.db import open_engine
from review.users import authenticate, create_user, get_user_by_name, set_user


def test_production_hasher_is_argon2id_with_default_cost(monkeypatch):
    import review.users

    monkeypatch.undo()  # drop the light test hasher: look at the one the product uses
    hasher = review.users._hasher
    assert (hasher.time_cost, hasher.memory_cost) == (3, 65536)
    assert hasher.hash("a long enough secret").startswith("$argon2id$v=19$m=65536,t=3,")


def test_create_user_cli_reads_the_password_from_the_environment(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("INTAKEIQ_PASSWORD", "a long enough secret")
    assert main(["create-user", "boss", "--role", "admin", "--store", url]) == 0
    assert "created admin 'boss'" in capsys.readouterr().out
    engine = open_engine(url)
    user = get_user_by_name(engine, "boss")
    assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    assert "a long enough secret" not in user.password_hash
    assert authenticate(engine, "boss", "a long enough secret").username == "boss"
    assert authenticate(engine, "boss", "a long enough secreT") is None
    assert authenticate(engine, "nobody", "a long enough secret") is None
    assert main(["create-user", "boss", "--store", url]) == 2  # taken: a clear error, not a traceback


def test_bad_names_short_passwords_and_deactivated_users(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(IntakeError, match="at least 12"):
        create_user(engine, "sam", "short", "reviewer")
    with pytest.raises(IntakeError, match="not allowed"):
        create_user(engine, "../sam", "long enough password", "reviewer")
    with pytest.raises(IntakeError, match="unknown"):
        create_user(engine, "sam", "long enough password", "root")
    user = create_user(engine, "Sam", "long enough password", "reviewer")
    assert user.username == "sam"
    set_user(engine, user.id, active=False)
    assert authenticate(engine, "sam", "long enough password") is None
