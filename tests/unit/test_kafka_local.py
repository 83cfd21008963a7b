"""Unit tests for the local Kafka launcher: config rendering and precondition errors; no JVM, no network."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from streams.kafka.local import (
    LISTEN_PORTS_FROM,
    KafkaLauncherError,
    KafkaPorts,
    LocalKafka,
    Voter,
    check_java,
    fetch_jars,
    free_port,
    java_major_version,
    kafka_version,
    render_server_properties,
)


def properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {key: value for key, value in pairs}


def single_node(tmp_path: Path, overrides: dict[str, str] | None = None) -> str:
    return render_server_properties(
        1, KafkaPorts(broker=19092, controller=19093), tmp_path, [Voter(1, "127.0.0.1", 19093)], overrides
    )


def put_fake_tool(bin_dir: Path, name: str, stderr: str) -> None:
    tool = bin_dir / name
    tool.write_text(f"#!/bin/sh\necho '{stderr}' >&2\n")
    tool.chmod(0o755)


def test_a_single_node_is_a_kraft_broker_and_controller_on_the_given_ports(tmp_path: Path) -> None:
    config = properties(single_node(tmp_path))

    assert config["process.roles"] == "broker,controller"
    assert config["node.id"] == "1"
    assert config["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert config["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert config["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert config["log.dirs"] == str(tmp_path / "kraft")


def test_a_single_node_accepts_16_mib_records_and_needs_no_replicas(tmp_path: Path) -> None:
    config = properties(single_node(tmp_path))

    assert int(config["message.max.bytes"]) >= 16 * 2**20
    assert int(config["replica.fetch.max.bytes"]) >= int(config["message.max.bytes"])
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor"):
        assert config[key] == "1"
    assert config["transaction.state.log.min.isr"] == "1"
    assert config["group.initial.rebalance.delay.ms"] == "0"
    assert config["auto.create.topics.enable"] == "false"
    assert config["num.partitions"] == "1"


def test_an_override_replaces_its_key_in_place_and_a_new_key_is_appended(tmp_path: Path) -> None:
    text = single_node(tmp_path, {"num.partitions": "6", "sasl.enabled.mechanisms": "PLAIN"})
    keys = [line.split("=", 1)[0] for line in text.splitlines() if "=" in line and not line.startswith("#")]

    assert keys.count("num.partitions") == 1
    assert properties(text)["num.partitions"] == "6"
    assert keys[-1] == "sasl.enabled.mechanisms"


def test_three_voters_are_listed_for_a_cluster_node(tmp_path: Path) -> None:
    voters = [Voter(1, "127.0.0.1", 29093), Voter(2, "127.0.0.1", 29094), Voter(3, "127.0.0.1", 29095)]
    text = render_server_properties(
        2, KafkaPorts(29192, 29094), tmp_path, voters, {"min.insync.replicas": "2"}
    )

    config = properties(text)
    assert config["node.id"] == "2"
    assert config["controller.quorum.voters"] == "1@127.0.0.1:29093,2@127.0.0.1:29094,3@127.0.0.1:29095"
    assert config["min.insync.replicas"] == "2"


def test_an_override_spanning_two_lines_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KafkaLauncherError, match="one line"):
        single_node(tmp_path, {"listeners": "PLAINTEXT://x:1\nprocess.roles=broker"})


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_402"', 8),
        ('openjdk version "21" 2023-09-19', 21),
    ],
)
def test_the_java_major_version_is_read_from_old_and_new_version_strings(output: str, major: int) -> None:
    assert java_major_version(output) == major


def test_missing_java_says_which_package_to_install_or_how_to_use_an_own_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(KafkaLauncherError) as error:
        check_java()

    message = str(error.value)
    assert "Java 17+" in message
    assert "apt-get install openjdk-17-jre-headless" in message
    assert "DYADWATCH_KAFKA_BOOTSTRAP" in message
    assert "\n" not in message


def test_java_11_is_refused_with_the_version_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put_fake_tool(tmp_path, "java", 'openjdk version "11.0.22" 2024-01-16')
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(KafkaLauncherError, match=r"is Java 11: install a JDK"):
        check_java()


def test_java_17_passes_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put_fake_tool(tmp_path, "java", 'openjdk version "17.0.15" 2025-04-15')
    monkeypatch.setenv("PATH", str(tmp_path))

    assert check_java() == str(tmp_path / "java")


def test_an_empty_jar_cache_without_maven_says_to_install_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(KafkaLauncherError, match=r"needs Maven .* `apt-get install maven`"):
        fetch_jars(tmp_path / "libs")


def test_a_filled_jar_cache_needs_no_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / ".complete").touch()
    monkeypatch.setenv("PATH", str(tmp_path))

    assert fetch_jars(libs) == libs


def test_a_relative_jar_cache_is_given_to_maven_as_an_absolute_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"  # a stand-in that fills the folder it is given, as Maven's copy-dependencies does
    mvn.write_text(
        "#!/bin/sh\nfor a in \"$@\"; do case $a in -DoutputDirectory=*) d=${a#-DoutputDirectory=};; esac; done\n"
        "echo \"$d\" > \"$(dirname \"$0\")/given\"; mkdir -p \"$d\"\n"
    )
    mvn.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)

    libs = fetch_jars(Path("cache") / "libs")

    assert libs == tmp_path / "cache" / "libs"
    assert (bin_dir / "given").read_text().strip() == str(tmp_path / "cache" / "libs")
    assert (libs / ".complete").exists()


def test_starting_without_java_fails_before_writing_any_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    kafka = LocalKafka(tmp_path / "kafka")

    with pytest.raises(KafkaLauncherError, match="Java 17"):
        kafka.start()

    assert not (tmp_path / "kafka" / "kafka-state.json").exists()
    assert kafka.status()["running"] is False


def test_the_kafka_version_comes_from_the_pom_and_names_the_default_jar_cache(tmp_path: Path) -> None:
    version = kafka_version()

    assert re.fullmatch(r"4\.\d+\.\d+", version)
    assert LocalKafka(tmp_path).libs_dir == tmp_path.resolve() / f"libs-{version}"
    assert LocalKafka(tmp_path, libs_dir=tmp_path / "shared").libs_dir == tmp_path.resolve() / "shared"


def test_a_never_started_data_dir_reports_not_running_and_has_no_bootstrap(tmp_path: Path) -> None:
    kafka = LocalKafka(tmp_path)

    status = kafka.status()
    assert status == status | {"running": False, "pid": None, "bootstrap": None, "data_dir": str(tmp_path)}
    assert status["log_path"] == str(tmp_path / "logs" / "server.log")
    with pytest.raises(KafkaLauncherError, match=r"call start\(\) first"):
        _ = kafka.bootstrap


def test_a_state_file_naming_a_process_that_is_not_this_kafka_counts_as_not_running(tmp_path: Path) -> None:
    # The pid of the test runner itself stands in for a pid recycled by an unrelated process.
    (tmp_path / "kafka-state.json").write_text(f'{{"pid": {os.getpid()}}}')
    (tmp_path / "kafka-ports.json").write_text('{"broker": 19092, "controller": 19093}')
    kafka = LocalKafka(tmp_path)

    assert kafka.status()["running"] is False
    assert kafka.bootstrap == "127.0.0.1:19092"
    assert kafka.stop() is False
    assert not (tmp_path / "kafka-state.json").exists()


def test_a_state_file_naming_an_exited_process_counts_as_not_running(tmp_path: Path) -> None:
    exited = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / "kafka-state.json").write_text(f'{{"pid": {int(exited.stdout)}}}')

    assert LocalKafka(tmp_path).status()["running"] is False


def test_a_free_port_is_below_the_ephemeral_range_so_no_client_connection_can_take_it(tmp_path: Path) -> None:
    ephemeral = tmp_path / "ip_local_port_range"
    ephemeral.write_text("32768\t60999\n")
    ports = {free_port(ephemeral) for _ in range(20)}
    assert all(LISTEN_PORTS_FROM <= port < 32768 for port in ports)
    assert len(ports) > 1, "chosen at random, so two launchers rarely race for one port"


def test_a_free_port_falls_back_to_the_kernels_choice_without_a_range(tmp_path: Path) -> None:
    assert 0 < free_port(tmp_path / "missing") < 65536
    crowded = tmp_path / "crowded"
    crowded.write_text("1024 65535\n")
    assert 0 < free_port(crowded) < 65536
