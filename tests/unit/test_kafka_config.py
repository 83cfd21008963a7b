"""Unit: ClientSecurity gives the Faust app, the view's aiokafka reader and the kafka-python clients one reading
of the security settings."""

from __future__ import annotations

import ssl
from pathlib import Path

import faust
import pytest

from streams.kafka.config import ClientSecurity
from streams.settings import Settings


def security(**fields: object) -> ClientSecurity:
    return ClientSecurity.from_settings(Settings(_env_file=None, **fields))  # type: ignore[arg-type]


@pytest.fixture
def ca_bundle() -> Path:
    found = Path(ssl.get_default_verify_paths().openssl_cafile)
    if not found.is_file():
        pytest.skip("no system CA bundle to stand in for a cluster CA")
    return found


def test_plaintext_gives_every_stack_the_protocol_alone() -> None:
    plain = security()
    assert plain.kafka_python() == {"security_protocol": "PLAINTEXT"}
    assert plain.aiokafka() == {"security_protocol": "PLAINTEXT"}
    assert plain.faust_credentials() is None
    assert plain.ssl_context() is None


def test_ssl_gives_a_verifying_context_built_on_the_configured_ca_and_no_sasl(ca_bundle: Path) -> None:
    tls = security(security_protocol="SSL", ssl_cafile=ca_bundle)
    context = tls.ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0
    assert tls.kafka_python() == {"security_protocol": "SSL", "ssl_cafile": str(ca_bundle)}
    mirror = tls.aiokafka()
    assert set(mirror) == {"security_protocol", "ssl_context"}
    assert isinstance(tls.faust_credentials(), ssl.SSLContext)


def test_a_missing_client_certificate_fails_when_the_context_is_built(tmp_path: Path, ca_bundle: Path) -> None:
    tls = security(security_protocol="SSL", ssl_cafile=ca_bundle, ssl_certfile=tmp_path / "absent.pem")
    with pytest.raises(FileNotFoundError):
        tls.ssl_context()


def test_sasl_scram_reaches_the_three_stacks_with_the_same_mechanism_user_and_password() -> None:
    sasl = security(security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-512",
                    sasl_username="alice", sasl_password="pw-1")
    expected = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_plain_username": "alice", "sasl_plain_password": "pw-1"}
    assert sasl.kafka_python() == expected
    assert sasl.aiokafka() == expected
    credentials = sasl.faust_credentials()
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.mechanism.value, credentials.username, credentials.password) == (
        "SCRAM-SHA-512", "alice", "pw-1")
    assert credentials.ssl_context is None


def test_sasl_ssl_carries_the_tls_context_inside_faust_credentials(ca_bundle: Path) -> None:
    both = security(security_protocol="SASL_SSL", sasl_mechanism="PLAIN", sasl_username="bob",
                    sasl_password="pw-2", ssl_cafile=ca_bundle)
    credentials = both.faust_credentials()
    assert isinstance(credentials, faust.SASLCredentials)
    assert isinstance(credentials.ssl_context, ssl.SSLContext)
    assert isinstance(both.aiokafka()["ssl_context"], ssl.SSLContext)
    assert both.kafka_python()["ssl_cafile"] == str(ca_bundle)


def test_sasl_without_a_mechanism_is_plain_for_every_stack() -> None:
    sasl = security(security_protocol="SASL_PLAINTEXT", sasl_username="carol", sasl_password="pw-3")
    assert sasl.kafka_python()["sasl_mechanism"] == "PLAIN"
    assert sasl.aiokafka()["sasl_mechanism"] == "PLAIN"
    assert sasl.faust_credentials().mechanism.value == "PLAIN"  # type: ignore[union-attr]


def test_tls_and_sasl_settings_are_not_sent_under_a_protocol_that_does_not_use_them(ca_bundle: Path) -> None:
    plain = security(sasl_mechanism="PLAIN", sasl_username="dave", sasl_password="pw-4", ssl_cafile=ca_bundle)
    assert plain.kafka_python() == {"security_protocol": "PLAINTEXT"}
    assert plain.aiokafka() == {"security_protocol": "PLAINTEXT"}


def test_the_password_stays_out_of_the_security_settings_repr() -> None:
    sasl = security(security_protocol="SASL_PLAINTEXT", sasl_username="erin", sasl_password="never-shown")
    assert "never-shown" not in repr(sasl) and "never-shown" not in str(sasl)
