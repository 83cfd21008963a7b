"""Shell layer: starts, stops and reports on a local single-node Apache Kafka (KRaft) for dev and tests."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Any, NamedTuple

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy" / "kafka"
POM = DEPLOY_DIR / "pom.xml"
SERVER_TEMPLATE = DEPLOY_DIR / "server.properties.template"
LOG4J_CONFIG = DEPLOY_DIR / "log4j2.properties"
HOST = "127.0.0.1"
MIN_JAVA = 17
STATE_FILE = "kafka-state.json"
PORTS_FILE = "kafka-ports.json"
LIBS_COMPLETE_MARKER = ".complete"
LOG_TAIL_LINES = 20
OWN_CLUSTER_HINT = "or set DYADWATCH_KAFKA_BOOTSTRAP to use your own cluster"
JAVA_MISSING = (
    "dyadwatch needs Java 17+ to run its local Kafka: install a JDK "
    f"(e.g. `apt-get install openjdk-17-jre-headless`) {OWN_CLUSTER_HINT}"
)


class KafkaLauncherError(RuntimeError):
    """The local Kafka cannot be started or stopped; the message says how to fix it."""


@dataclass(frozen=True)
class KafkaPorts:
    broker: int
    controller: int


class Voter(NamedTuple):
    node_id: int
    host: str
    port: int


def kafka_version(pom: Path = POM) -> str:
    """The Kafka version pinned in deploy/kafka/pom.xml, the one place it is written."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(pom).getroot().find("m:properties/m:kafka.version", ns)
    if node is None or not node.text:
        raise KafkaLauncherError(f"{pom} has no <properties><kafka.version>: restore it from git")
    return node.text.strip()


def render_server_properties(
    node_id: int,
    ports: KafkaPorts,
    data_dir: Path,
    voters: Sequence[Voter],
    overrides: Mapping[str, str] | None = None,
    host: str = HOST,
) -> str:
    """server.properties for one KRaft node: the template filled in, then overrides replace or add keys."""
    text = Template(SERVER_TEMPLATE.read_text()).substitute(
        node_id=node_id,
        voters=",".join(f"{v.node_id}@{v.host}:{v.port}" for v in voters),
        host=host,
        port=ports.broker,
        controller_port=ports.controller,
        log_dir=data_dir / "kraft",
    )
    lines = text.splitlines()
    for key, value in (overrides or {}).items():
        if "\n" in key or "\n" in value or "=" in key:
            raise KafkaLauncherError(f"override {key!r}={value!r} must be one key without '=' and one line")
        line = f"{key}={value}"
        at = next((i for i, old in enumerate(lines) if old.split("=", 1)[0].strip() == key), None)
        if at is None:
            lines.append(line)
        else:
            lines[at] = line
    return "\n".join(lines) + "\n"


def java_major_version(version_output: str) -> int:
    """Major version in `java -version` output: 'version "17.0.15"' -> 17, 'version "1.8.0_402"' -> 8."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        raise KafkaLauncherError(
            f"cannot read a version from `java -version`: {version_output.strip()!r}; {JAVA_MISSING}"
        )
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def check_java() -> str:
    """Path of a Java 17+ `java`, or KafkaLauncherError saying what to install."""
    java = shutil.which("java")
    if java is None:
        raise KafkaLauncherError(JAVA_MISSING)
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    major = java_major_version(out.stderr + out.stdout)
    if major < MIN_JAVA:
        raise KafkaLauncherError(
            f"dyadwatch needs Java {MIN_JAVA}+ to run its local Kafka but {java} is Java {major}: "
            "install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) and put it first on PATH, "
            f"{OWN_CLUSTER_HINT}"
        )
    return java


def check_maven(libs_dir: Path) -> str:
    """Path of `mvn` (only needed to fill an empty jar cache), or KafkaLauncherError saying what to do."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaLauncherError(
            f"dyadwatch needs Maven to download Kafka's jars once into {libs_dir}: install it "
            f"(e.g. `apt-get install maven`) {OWN_CLUSTER_HINT}"
        )
    return mvn


def fetch_jars(libs_dir: Path) -> Path:
    """Kafka's jars in libs_dir, copied by Maven on first use; safe when processes share libs_dir."""
    libs_dir = Path(libs_dir).resolve()  # Maven reads a relative outputDirectory from the POM's folder, not ours
    if (libs_dir / LIBS_COMPLETE_MARKER).exists():
        return libs_dir
    mvn = check_maven(libs_dir)
    libs_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(libs_dir.parent / f".{libs_dir.name}.lock"):
        if (libs_dir / LIBS_COMPLETE_MARKER).exists():
            return libs_dir
        shutil.rmtree(libs_dir, ignore_errors=True)
        out = subprocess.run(
            [
                mvn,
                "-q",
                "-B",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={libs_dir}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if out.returncode != 0:
            raise KafkaLauncherError(
                f"Maven could not download Kafka's jars into {libs_dir} (exit {out.returncode}); check that "
                f"Maven Central is reachable, then retry:\n{_tail(out.stdout + out.stderr)}"
            )
        (libs_dir / LIBS_COMPLETE_MARKER).touch()
    return libs_dir


class LocalKafka:
    """One KRaft broker+controller whose data, logs, config and state live in data_dir.

    Alone by default; a node of a multi-node cluster when given its node_id, the voters of every node and
    a cluster_id they share (then pass its port and controller_port too, as the voters name them).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        controller_port: int | None = None,
        heap: str = "512m",
        libs_dir: Path | None = None,
        overrides: dict[str, str] | None = None,
        node_id: int = 1,
        voters: Sequence[Voter] | None = None,
        cluster_id: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.node_id = node_id
        self.voters = list(voters) if voters else None
        self.cluster_id = cluster_id
        self.version = kafka_version()
        self.libs_dir = Path(libs_dir).resolve() if libs_dir else self.data_dir / f"libs-{self.version}"
        self.heap = heap
        self.overrides = dict(overrides or {})
        self._port = port
        self._controller_port = controller_port
        self.config_path = self.data_dir / "server.properties"
        self.log_dir = self.data_dir / "logs"
        self.log_path = self.log_dir / "server.log"
        self.stdout_path = self.log_dir / "stdout.log"
        self.state_path = self.data_dir / STATE_FILE
        self.ports_path = self.data_dir / PORTS_FILE

    @property
    def bootstrap(self) -> str:
        ports = self._saved_ports()
        if ports is None:
            raise KafkaLauncherError(f"no Kafka has been started from {self.data_dir}: call start() first")
        return f"{HOST}:{ports.broker}"

    def start(self, timeout: float = 120) -> str:
        """Bootstrap address of the broker, started and answering metadata requests within timeout seconds."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _locked(self.data_dir / ".kafka.lock"):
            deadline = time.monotonic() + timeout
            pid = self._running_pid()
            if pid is not None:
                return self._wait_until_ready(pid, deadline)
            java = check_java()
            libs = fetch_jars(self.libs_dir)
            ports = self._choose_ports()
            self.log_dir.mkdir(exist_ok=True)
            self.config_path.write_text(
                render_server_properties(
                    self.node_id,
                    ports,
                    self.data_dir,
                    self.voters or [Voter(self.node_id, HOST, ports.controller)],
                    self.overrides,
                )
            )
            self._format_storage(java, libs)
            for port in (ports.broker, ports.controller):
                if not _port_is_free(port):
                    raise KafkaLauncherError(
                        f"port {port} on {HOST} is taken by another process: stop it, or delete "
                        f"{self.ports_path} (or pass port=/controller_port=) to start on other ports"
                    )
            with self.stdout_path.open("ab") as stdout:
                proc = subprocess.Popen(
                    [*self._java_command(java, libs), "kafka.Kafka", str(self.config_path)],
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=self.data_dir,
                )
            bootstrap = f"{HOST}:{ports.broker}"
            state = {
                "pid": proc.pid,
                "broker_port": ports.broker,
                "controller_port": ports.controller,
                "bootstrap": bootstrap,
                "started_at": datetime.now(UTC).isoformat(),
                "version": self.version,
            }
            _write_json(self.state_path, state)
            try:
                return self._wait_until_ready(proc.pid, deadline)
            except KafkaLauncherError:
                self._signal_and_wait(proc.pid, signal.SIGKILL, 10)
                self.state_path.unlink(missing_ok=True)
                raise

    def stop(self, timeout: float = 30) -> bool:
        """Stop the broker with SIGTERM (SIGKILL after timeout seconds); False when it was not running."""
        with _locked(self.data_dir / ".kafka.lock"):
            pid = self._running_pid()
            if pid is not None:
                if not self._signal_and_wait(pid, signal.SIGTERM, timeout):
                    self._signal_and_wait(pid, signal.SIGKILL, 10)
            self.state_path.unlink(missing_ok=True)
            return pid is not None

    def kill(self) -> None:
        """SIGKILL the broker at once, as a crash would; start() brings it back on the same ports and data."""
        pid = self._running_pid()
        if pid is not None:
            self._signal_and_wait(pid, signal.SIGKILL, 10)
        self.state_path.unlink(missing_ok=True)

    def status(self) -> dict[str, Any]:
        pid = self._running_pid()
        state = _read_json(self.state_path) if pid is not None else {}
        ports = self._saved_ports()
        return {
            "running": pid is not None,
            "pid": pid,
            "bootstrap": f"{HOST}:{ports.broker}" if ports else None,
            "data_dir": str(self.data_dir),
            "log_path": str(self.log_path),
            "version": state.get("version", self.version),
            "started_at": state.get("started_at"),
        }

    def _saved_ports(self) -> KafkaPorts | None:
        saved = _read_json(self.ports_path)
        return KafkaPorts(**saved) if saved else None

    def _choose_ports(self) -> KafkaPorts:
        # Ports are kept across stop/start so clients of this data dir can reconnect to the same address.
        saved = self._saved_ports()
        ports = KafkaPorts(
            broker=self._port or (saved.broker if saved else free_port()),
            controller=self._controller_port or (saved.controller if saved else free_port()),
        )
        if ports != saved:
            _write_json(self.ports_path, asdict(ports))
        return ports

    def _java_command(self, java: str, libs: Path) -> list[str]:
        return [
            java,
            f"-Xmx{self.heap}",
            f"-Xms{min(self.heap, '256m', key=_heap_bytes)}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.log_dir}",
            "-cp",
            f"{libs}/*",
        ]

    def _format_storage(self, java: str, libs: Path) -> None:
        if (self.data_dir / "kraft" / "meta.properties").exists():
            return
        out = subprocess.run(
            [
                *self._java_command(java, libs),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                self.cluster_id or new_cluster_id(),
                "-c",
                str(self.config_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode != 0:
            raise KafkaLauncherError(
                f"formatting Kafka storage in {self.data_dir / 'kraft'} failed (exit {out.returncode}); "
                f"delete that folder and retry:\n{_tail(out.stdout + out.stderr)}"
            )

    def _running_pid(self) -> int | None:
        pid = _read_json(self.state_path).get("pid")
        if isinstance(pid, int) and _is_broker_process(pid, self.config_path):
            return pid
        return None

    def _wait_until_ready(self, pid: int, deadline: float) -> str:
        bootstrap = self.bootstrap
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if not _is_broker_process(pid, self.config_path):
                raise KafkaLauncherError(
                    f"the local Kafka (pid {pid}) exited while starting; see {self.log_path}:\n"
                    f"{self._log_tail()}"
                )
            host, port = bootstrap.rsplit(":", 1)
            if not _port_is_free(int(port), host):
                try:
                    admin = KafkaAdminClient(
                        bootstrap_servers=bootstrap,
                        client_id="dyadwatch-kafka-launcher",
                        request_timeout_ms=5000,
                        bootstrap_timeout_ms=5000,
                    )
                    try:
                        admin.describe_cluster()
                        return bootstrap
                    finally:
                        admin.close()
                except KafkaError as error:
                    last_error = repr(error)
            time.sleep(0.25)
        raise KafkaLauncherError(
            f"the local Kafka at {bootstrap} did not answer a metadata request in time ({last_error}); "
            f"pass a longer timeout to start() or read {self.log_path}:\n{self._log_tail()}"
        )

    def _signal_and_wait(self, pid: int, sig: signal.Signals, timeout: float) -> bool:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _is_broker_process(pid, self.config_path):
                return True
            time.sleep(0.1)
        return False

    def _log_tail(self) -> str:
        parts = [
            _tail(path.read_text(errors="replace"))
            for path in (self.log_path, self.stdout_path)
            if path.exists() and path.stat().st_size
        ]
        return "\n".join(parts) or "(the broker wrote no log)"


def ensure_local_kafka(data_dir: Path, port: int | None = None, libs_dir: Path | None = None) -> str:
    """Bootstrap address of the local Kafka in data_dir, started if it is not running."""
    return LocalKafka(data_dir, port=port, libs_dir=libs_dir).start()


def _is_broker_process(pid: int, config_path: Path) -> bool:
    # A zombie child (we started it and it exited) still answers kill(pid, 0): reap it first.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if not Path("/proc/self").exists():  # no procfs (macOS): the live pid is all we can check
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    if state == "Z":  # exited, waiting for a parent that is not us to reap it
        return False
    if not cmdline:  # in the middle of exec: Popen can return before the new cmdline is visible
        return True
    # Guards against a recycled pid: the process must be a Kafka reading this data dir's config.
    args = cmdline.split(b"\0")
    return b"kafka.Kafka" in args and str(config_path).encode() in args


def new_cluster_id() -> str:
    # Kafka's Uuid.toString: URL-safe base64 of 16 random bytes without padding, never starting with '-'.
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LISTEN_PORTS_FROM = 20000
"""Listening ports are chosen from here up to the start of the kernel's ephemeral range."""


def free_port(ephemeral_range: Path = EPHEMERAL_RANGE) -> int:
    """A free TCP port on HOST below the kernel's ephemeral range, so that it stays ours across a restart.

    A port the kernel hands out as the local end of outgoing connections (bind to port 0 picks from there) can be
    taken by any client's connection while a killed broker is down, and then the broker cannot come back on its
    saved port. Falls back to the kernel's choice where the range cannot be read or leaves no room below it.
    """
    try:
        first_ephemeral = int(ephemeral_range.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        first_ephemeral = 0
    if first_ephemeral > LISTEN_PORTS_FROM + 100:
        rng = random.SystemRandom()
        for _ in range(200):
            port = rng.randrange(LISTEN_PORTS_FROM, first_ephemeral)
            if _port_is_free(port):
                return port
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _heap_bytes(size: str) -> int:
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].lower() in units else int(size)


def _tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _read_json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write_json(path: Path, value: Mapping[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=2) + "\n")
    tmp.replace(path)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
