"""Test support: a three-node KRaft cluster (each node broker+controller) made of LocalKafka nodes."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from streams.kafka.local import HOST, LocalKafka, Voter, free_port, new_cluster_id
from tests.support.broker import KAFKA_LIBS

REPLICATED = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "share.coordinator.state.topic.replication.factor": "3",
    "share.coordinator.state.topic.min.isr": "2",
    "unclean.leader.election.enable": "false",
}
"""Every topic on three replicas and a write needs two of them: one node may die without losing a record."""


class KafkaCluster:
    """`size` LocalKafka nodes sharing a cluster id and a voter list; each keeps its ports across restarts."""

    def __init__(self, data_dir: Path, size: int = 3, heap: str = "384m") -> None:
        ports = [(free_port(), free_port()) for _ in range(size)]
        voters = [Voter(i + 1, HOST, controller) for i, (_, controller) in enumerate(ports)]
        cluster_id = new_cluster_id()
        self.nodes = [
            LocalKafka(data_dir / f"node-{i + 1}", port=broker, controller_port=controller, heap=heap,
                       libs_dir=KAFKA_LIBS, overrides=REPLICATED, node_id=i + 1, voters=voters,
                       cluster_id=cluster_id)
            for i, (broker, controller) in enumerate(ports)
        ]

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    def start(self, timeout: float = 180) -> str:
        """Start every node at once (each waits for the quorum the others complete); the bootstrap list."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.start(timeout), self.nodes))
        return self.bootstrap

    def stop(self) -> None:
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(), self.nodes))


@contextmanager
def kafka_cluster(data_dir: Path, size: int = 3) -> Iterator[KafkaCluster]:
    cluster = KafkaCluster(data_dir, size)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
