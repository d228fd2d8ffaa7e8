"""The security settings live in config/settings/base.py; tests run with faster hashing,
so the real values are read from the base module itself."""

import config.settings.base as base


def test_argon2_with_owasp_parameters_is_the_primary_hasher():
    from lindung.accounts.hashers import OwaspArgon2PasswordHasher

    assert base.PASSWORD_HASHERS[0] == "lindung.accounts.hashers.OwaspArgon2PasswordHasher"
    hasher = OwaspArgon2PasswordHasher()
    assert (hasher.algorithm, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == ("argon2", 19456, 2, 1)


def test_argon2_is_installed_and_makes_argon2id_hashes():
    from lindung.accounts.hashers import OwaspArgon2PasswordHasher

    hasher = OwaspArgon2PasswordHasher()
    hasher._load_library()
    assert hasher.encode("a long password", hasher.salt()).startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_session_ends_after_30_idle_minutes():
    assert base.SESSION_COOKIE_AGE == 30 * 60
    assert "lindung.core.sessions.SessionRenewalMiddleware" in base.MIDDLEWARE
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert base.SESSION_COOKIE_HTTPONLY is True


def test_lockout_settings():
    assert base.AXES_FAILURE_LIMIT == 5
    assert base.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert base.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert base.AXES_RESET_ON_SUCCESS is True
    assert base.AXES_ENABLE_ACCESS_FAILURE_LOG is True
    assert base.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert base.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
