"""Integration: SASL/SCRAM reaches the worker and every client; secrets stay out of logs; the web view is shut.

The broker gets a second listener, SASL_PLAINTEXT with SCRAM-SHA-256; its PLAINTEXT listener only serves the
launcher's readiness probe and the setup of the user. Everything under test talks to the SASL port.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient, UserScramCredentialUpsertion

from streams.kafka.config import ClientSecurity
from streams.kafka.local import HOST, LocalKafka, free_port
from tests.support.broker import KAFKA_LIBS
from tests.support.polling import wait_for
from tests.support.workers import WorkerProcess, fresh_env, settings_from

pytestmark = pytest.mark.integration

USER = "alice"
PASSWORD = "s3cret-Pa55-for-dyadwatch-tests"


def scram_listener(sasl_port: int) -> dict[str, str]:
    return {
        "listeners": f"PLAINTEXT://{HOST}:{{port}},SASL://{HOST}:{sasl_port},CONTROLLER://{HOST}:{{controller}}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{{port}},SASL://{HOST}:{sasl_port}",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": "SCRAM-SHA-256",
        "listener.name.sasl.scram-sha-256.sasl.jaas.config":
            "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    }


@pytest.fixture(scope="module")
def sasl_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port, controller, sasl_port = free_port(), free_port(), free_port()
    overrides = {k: v.format(port=port, controller=controller) for k, v in scram_listener(sasl_port).items()}
    kafka = LocalKafka(tmp_path_factory.mktemp("scram") / "kafka", port=port, controller_port=controller,
                       libs_dir=KAFKA_LIBS, overrides=overrides)
    plain = kafka.start()
    admin = KafkaAdminClient(bootstrap_servers=plain)
    try:
        result = admin.alter_user_scram_credentials([UserScramCredentialUpsertion(USER, "SCRAM-SHA-256", PASSWORD)])
        assert result == {USER: None}, result
    finally:
        admin.close()
    try:
        yield f"{HOST}:{sasl_port}"
    finally:
        kafka.stop()


def sasl_env(bootstrap: str, tmp_path: Path, password: str = PASSWORD, **extra: str) -> dict[str, str]:
    sasl = {"DYADWATCH_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "DYADWATCH_SASL_MECHANISM": "SCRAM-SHA-256",
            "DYADWATCH_SASL_USERNAME": USER, "DYADWATCH_SASL_PASSWORD": password}
    return fresh_env(bootstrap, tmp_path, **{**sasl, **extra})


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)


def test_worker_publish_and_tail_all_work_through_a_scram_listener_and_never_log_the_password(
    sasl_bootstrap, tmp_path
):
    env = sasl_env(sasl_bootstrap, tmp_path)
    article = tmp_path / "scram-article.txt"
    article.write_text("Kenya and Ethiopia signed a water sharing agreement in Nairobi on Monday.\n")
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        topics = cli(env, "topics")
        assert topics.returncode == 0, topics.stderr
        published = cli(env, "publish", str(article))
        assert published.returncode == 0, published.stderr
        article_id = json.loads(published.stdout)["id"]
        assert article_id

        def enriched_line() -> str | None:
            assert worker.alive(), worker.log()[-3000:]
            out = cli(env, "tail", "enriched", "--from-beginning", "--timeout", "5")
            return out.stdout if article_id in out.stdout else None

        lines = wait_for(enriched_line, timeout=180, interval=1.0,
                         what=lambda: f"the enriched article via tail; worker log:\n{worker.log()[-3000:]}")
        assert '"KEN"' in lines and '"ETH"' in lines
    finally:
        worker.stop()
    for output in (worker.log(), topics.stdout + topics.stderr, published.stdout + published.stderr, lines):
        assert PASSWORD not in output


def test_a_wrong_password_fails_fast_and_says_authentication_failed(sasl_bootstrap, tmp_path):
    env = sasl_env(sasl_bootstrap, tmp_path, password="not-the-password")
    article = tmp_path / "a.txt"
    article.write_text("Chile and Peru held talks.\n")
    for args in (("publish", str(article)), ("topics",)):
        out = cli(env, *args, timeout=180)
        assert out.returncode != 0, (args, out.stdout)
        assert "authentication" in (out.stdout + out.stderr).lower(), (args, out.stderr[-2000:])
        assert "not-the-password" not in out.stdout + out.stderr


def test_every_client_gets_the_same_sasl_and_tls_settings(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text(Path("/etc/ssl/certs/ca-certificates.crt").read_text() if
                  Path("/etc/ssl/certs/ca-certificates.crt").exists() else "")
    if not ca.read_text():
        pytest.skip("no system CA bundle to stand in for a cluster CA")
    settings = settings_from(sasl_env("localhost:9093", tmp_path, DYADWATCH_SECURITY_PROTOCOL="SASL_SSL",
                                      DYADWATCH_SSL_CAFILE=str(ca)))
    security = ClientSecurity.from_settings(settings)
    config = security.kafka_python()
    assert config == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256",
                      "sasl_plain_username": USER, "sasl_plain_password": PASSWORD, "ssl_cafile": str(ca)}
    credentials = security.faust_credentials()
    assert credentials.mechanism.value == "SCRAM-SHA-256"  # type: ignore[union-attr]
    assert credentials.username == USER and credentials.password == PASSWORD  # type: ignore[union-attr]
    assert credentials.ssl_context is not None  # type: ignore[union-attr]
    mirror = security.aiokafka()
    assert mirror["sasl_mechanism"] == "SCRAM-SHA-256" and mirror["sasl_plain_password"] == PASSWORD
    assert mirror["ssl_context"] is not None
    assert PASSWORD not in repr(settings)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1])
                          if len(address) == 8 else address)
    return found


def test_the_web_view_listens_on_localhost_only_and_refuses_writes(kafka_bootstrap, tmp_path):
    port = free_port()
    env = fresh_env(kafka_bootstrap, tmp_path, DYADWATCH_WEB_ENABLED="true", DYADWATCH_WEB_PORT=str(port))
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: listening_addresses(port), timeout=180,
                 what=lambda: f"the web view on port {port}; log:\n{worker.log()[-3000:]}")
        assert listening_addresses(port) == {"127.0.0.1"}
        wait_for(lambda: urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200, timeout=60)
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in ("/api/relations", "/api/alerts", "/healthz"):
                request = urllib.request.Request(f"{base}{path}", data=b"{}", method=method)
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=5)
                assert refused.value.code in (404, 405), (method, path, refused.value.code)
    finally:
        worker.stop()
