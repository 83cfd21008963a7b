"""Unit: the worker-log digest the integration tests print when a table does not settle."""

from __future__ import annotations

from tests.support.workers import log_digest

LOG = """[2026-11-28 00:01:00,001] [7] [INFO] [^Worker]: Ready
[2026-11-28 00:01:00,002] [7] [DEBUG] fetch loop tick
[2026-11-28 00:01:05,000] [7] [WARNING] [^---Recovery]: No event received for active tp 0 (started 0.08 minutes ago)
[2026-11-28 00:01:05,001] [7] [INFO] [^---Recovery]: Highwater for active changelog partitions:
| relations-changelog | 0 | 9 |
[2026-11-28 00:01:10,000] [7] [WARNING] [^---Recovery]: No event received for active tp 0 (started 0.17 minutes ago)
[2026-11-28 00:01:11,001] [7] [INFO] [^---Recovery]: Highwater for active changelog partitions:
| relations-changelog | 0 | 12 |
[2026-11-28 00:01:15,000] [7] [WARNING] [^---Recovery]: No event received for active tp 0 (started 0.25 minutes ago)
"""


def test_debug_lines_go_repeated_warnings_are_counted_and_info_lines_and_tables_stay():
    digest = log_digest(LOG)
    assert "DEBUG" not in digest
    assert digest.count("No event received") == 1 and "(started 0.08 minutes ago)  [x3]" in digest
    assert digest.count("Highwater for active changelog partitions") == 2
    assert "| 0 | 9 |" in digest and "| 0 | 12 |" in digest


def test_the_digest_keeps_the_end_of_a_long_log():
    lines = "".join(f"[2026-11-28 00:01:00,001] [7] [INFO] line {i}\n" for i in range(1000))
    digest = log_digest(lines, limit=500)
    assert len(digest) == 500 and digest.endswith("line 999")
