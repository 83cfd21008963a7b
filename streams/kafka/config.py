"""Shell layer: the Kafka clients' security settings, built once from Settings, in each client stack's form.

Three stacks talk to Kafka: the Faust app (aiokafka underneath, given `broker_credentials`), the view's mirror
reader (aiokafka, given keyword arguments) and the command line's and admin's kafka-python clients (keyword
arguments of their own names). `ClientSecurity` holds the one reading of DYADWATCH_SECURITY_PROTOCOL, SASL_* and
SSL_*; each stack's form is a method of it, so a setting means the same to every client.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from streams.settings import Settings

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

TLS_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})
SASL_PROTOCOLS = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})
DEFAULT_SASL_MECHANISM = "PLAIN"
"""The mechanism a SASL protocol uses when DYADWATCH_SASL_MECHANISM is unset (Kafka's own default)."""


@dataclass(frozen=True)
class ClientSecurity:
    """How every Kafka client of one process authenticates and encrypts; the password stays a SecretStr."""

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientSecurity:
        return cls(
            protocol=settings.security_protocol,
            sasl_mechanism=settings.sasl_mechanism,
            sasl_username=settings.sasl_username,
            sasl_password=settings.sasl_password,
            ssl_cafile=settings.ssl_cafile,
            ssl_certfile=settings.ssl_certfile,
            ssl_keyfile=settings.ssl_keyfile,
        )

    @property
    def uses_tls(self) -> bool:
        return self.protocol in TLS_PROTOCOLS

    @property
    def uses_sasl(self) -> bool:
        return self.protocol in SASL_PROTOCOLS

    @property
    def mechanism(self) -> str:
        return self.sasl_mechanism or DEFAULT_SASL_MECHANISM

    def _password(self) -> str | None:
        return self.sasl_password.get_secret_value() if self.sasl_password else None

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context of the aiokafka clients (None without TLS): the CA bundle, else the system's CAs;
        the client certificate for mutual TLS."""
        if not self.uses_tls:
            return None
        context = ssl.create_default_context(cafile=str(self.ssl_cafile) if self.ssl_cafile else None)
        if self.ssl_certfile:
            context.load_cert_chain(str(self.ssl_certfile), str(self.ssl_keyfile) if self.ssl_keyfile else None)
        return context

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's KafkaProducer, KafkaConsumer and KafkaAdminClient."""
        config: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_sasl:
            config["sasl_mechanism"] = self.mechanism
            config["sasl_plain_username"] = self.sasl_username
            config["sasl_plain_password"] = self._password()
        if self.uses_tls:
            files = {"ssl_cafile": self.ssl_cafile, "ssl_certfile": self.ssl_certfile, "ssl_keyfile": self.ssl_keyfile}
            config.update({key: str(path) for key, path in files.items() if path is not None})
        return config

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for an AIOKafkaConsumer or AIOKafkaProducer of our own (the view's mirror)."""
        config: dict[str, Any] = {"security_protocol": self.protocol}
        context = self.ssl_context()
        if context is not None:
            config["ssl_context"] = context
        if self.uses_sasl:
            config["sasl_mechanism"] = self.mechanism
            config["sasl_plain_username"] = self.sasl_username
            config["sasl_plain_password"] = self._password()
        return config

    def faust_credentials(self) -> CredentialsT | ssl.SSLContext | None:
        """Faust's `broker_credentials`: SASL credentials (carrying the TLS context under SASL_SSL), the TLS
        context alone under SSL, or None under PLAINTEXT."""
        context = self.ssl_context()
        if not self.uses_sasl:
            return context
        import faust  # here, not at the top: the command line's kafka-python clients need no Faust

        return faust.SASLCredentials(
            username=self.sasl_username, password=self._password(), mechanism=self.mechanism, ssl_context=context
        )
