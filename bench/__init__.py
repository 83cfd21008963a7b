"""Bench layer: throughput, latency and memory benchmarks (`python -m bench.run`)."""
