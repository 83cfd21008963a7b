"""Unit: the web view's pure part: the mirror of the relations topic, queries, JSON shapes, OpenAPI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from streams.core.models import Alert, Evidence, Happening, QuadCounts, RelationState
from streams.relations_view import (
    ALERTS_KEEP,
    ActorNames,
    AlertsQuery,
    BadQuery,
    Mirror,
    RelationsQuery,
    inert_json,
    openapi_document,
    parse_alerts_query,
    parse_relations_query,
    parse_since,
    safe_url,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INTERNAL = set(RelationState.BOOKKEEPING) | {"articles", "publishers"}


def state(a: str, b: str, score: float, band: str = "neutral", *, events: int = 1, hours: int = 0,
          evidence: list[Evidence] | None = None) -> RelationState:
    return RelationState(
        dyad=f"{a}|{b}", actor_a=a, actor_b=b, score=score, band=band, trend=0.5,  # type: ignore[arg-type]
        counts_ab=QuadCounts(verbal_cooperation=events), first_seen=T0, last_seen=T0 + timedelta(hours=hours),
        article_count=1, event_count=events, evidence=evidence or [], happening_count=events,
        happenings=[happening(a, b)], applied=["1772366400/abc/def"], recent_alert_ids=["alert:x"],
    )


def happening(a: str, b: str) -> Happening:
    return Happening(source=a, target=b, root=5, quad_class=1, background=False, cameo="057", goldstein=8.0,
                     mode="asserted", confidence=0.9, codes=["057"], first=T0, last=T0, mentions=2,
                     article_count=2, publisher_count=1, articles=["0a1b2c3d", "1a1b2c3d"], publishers=["2a2b2c2d"],
                     article_id="a1", event_index=0)


def record(s: RelationState) -> tuple[bytes, bytes]:
    return s.dyad.encode(), s.model_dump_json().encode()


def alert(n: int, hours: float, kind: str = "watch", severity: str = "info", dyad: str = "CHN|IRN") -> Alert:
    return Alert(id=f"alert:{n}", kind=kind, severity=severity, dyad=dyad,  # type: ignore[arg-type]
                 actors=tuple(dyad.split("|")), message=f"alert number {n}",  # type: ignore[arg-type]
                 time=T0 + timedelta(hours=hours))


def evidence(article_id: str, sentence: str = "China and Iran agreed to hold drills.") -> Evidence:
    return Evidence(article_id=article_id, sentence=sentence, cameo="057", source="CHN", target="IRN",
                    goldstein=8.0, time=T0)


@pytest.fixture
def mirror() -> Mirror:
    return Mirror(names=ActorNames({"CHN": "China", "IRN": "Iran", "USA": "United States", "RUS": "Russia"}))


def test_the_latest_record_of_a_dyad_replaces_the_earlier_one(mirror):
    mirror.apply_relation(*record(state("CHN", "IRN", 1.0)))
    mirror.apply_relation(*record(state("CHN", "IRN", 4.0, "cooperative")))
    assert [r.score for r in mirror.relations().relations] == [4.0]


def test_a_tombstone_removes_the_dyad_and_an_unknown_tombstone_changes_nothing(mirror):
    mirror.apply_relation(*record(state("CHN", "IRN", 1.0)))
    version = mirror.version
    assert mirror.apply_relation(b"RUS|USA", None) is False and mirror.version == version
    assert mirror.apply_relation(b"CHN|IRN", None) is True
    assert mirror.relations().count == 0


def test_a_record_that_is_not_a_relation_state_is_counted_and_skipped(mirror):
    assert mirror.apply_relation(b"CHN|IRN", b"{not json") is False
    assert mirror.rejected == 1 and mirror.relations().count == 0


def test_the_json_served_has_names_and_no_bookkeeping_fields(mirror):
    mirror.apply_relation(*record(state("CHN", "IRN", 2.0, "cooperative", evidence=[evidence("a1")])))
    listed = json.loads(mirror.relations().model_dump_json())["relations"][0]
    detail = json.loads(mirror.relation("CHN", "IRN").model_dump_json())  # type: ignore[union-attr]
    assert listed["name_a"] == "China" and listed["name_b"] == "Iran"
    assert not INTERNAL & set(listed) and not INTERNAL & set(detail)
    assert not INTERNAL & set(detail["happenings"][0])
    assert "evidence" not in listed and detail["evidence"][0]["article_id"] == "a1"
    assert listed["thin"] is True and listed["happening_count"] == 1
    assert detail["happenings"][0]["cameo_name"] and detail["happenings"][0]["mentions"] == 2


def test_a_relation_is_found_in_either_order_and_in_any_case(mirror):
    mirror.apply_relation(*record(state("CHN", "IRN", 2.0)))
    assert mirror.relation("IRN", "CHN") is not None
    assert mirror.relation("irn", "chn") is not None
    assert mirror.relation("CHN", "USA") is None


def test_filters_keep_only_dyads_with_the_actor_and_the_band(mirror):
    for s in (state("CHN", "IRN", 3.0, "cooperative"), state("CHN", "USA", -6.0, "hostile"),
              state("RUS", "USA", -6.5, "hostile")):
        mirror.apply_relation(*record(s))
    assert {r.dyad for r in mirror.relations(RelationsQuery(actor="CHN")).relations} == {"CHN|IRN", "CHN|USA"}
    hostile_chn = mirror.relations(RelationsQuery(actor="CHN", band="hostile")).relations
    assert [r.dyad for r in hostile_chn] == ["CHN|USA"]


def test_rows_sort_by_score_by_band_rank_and_by_last_update(mirror):
    for s in (state("CHN", "IRN", 3.0, "cooperative", hours=1), state("CHN", "USA", -6.0, "hostile", hours=3),
              state("RUS", "USA", 0.0, "neutral", hours=2)):
        mirror.apply_relation(*record(s))

    def order(**query: str) -> list[str]:
        return [r.dyad for r in mirror.relations(parse_relations_query(query)).relations]

    assert order(sort="score", order="asc") == ["CHN|USA", "RUS|USA", "CHN|IRN"]
    assert order(sort="band") == ["CHN|IRN", "RUS|USA", "CHN|USA"]
    assert order() == ["CHN|USA", "RUS|USA", "CHN|IRN"]


def test_a_wrong_query_parameter_is_refused_with_the_values_that_work():
    with pytest.raises(BadQuery, match="hostile, tense, neutral, cooperative, allied"):
        parse_relations_query({"band": "friendly"})
    with pytest.raises(BadQuery, match="score"):
        parse_relations_query({"sort": "colour"})
    with pytest.raises(BadQuery, match="asc or desc"):
        parse_relations_query({"order": "up"})


def test_actor_and_band_parameters_are_normalised():
    query = parse_relations_query({"actor": " chn ", "band": "Hostile"})
    assert query == RelationsQuery(actor="CHN", band="hostile")


def test_since_reads_iso_8601_and_takes_a_time_without_zone_as_utc():
    assert parse_since("2026-03-01T12:00:00Z") == T0
    assert parse_since("2026-03-01T12:00:00") == T0
    assert parse_since("2026-03-01T14:00:00+02:00") == T0
    assert parse_since(None) is None
    with pytest.raises(BadQuery, match="since=2026"):
        parse_since("yesterday")


def test_alerts_come_newest_first_once_each_and_since_filters_them(mirror):
    for n, hours in ((1, 0), (2, 2), (3, 1), (2, 2)):
        mirror.apply_alert(alert(n, hours).model_dump_json().encode())
    assert [a.id for a in mirror.alerts_matching().alerts] == ["alert:2", "alert:3", "alert:1"]
    since = AlertsQuery(since=T0 + timedelta(minutes=30))
    assert [a.id for a in mirror.alerts_matching(since).alerts] == ["alert:2", "alert:3"]


def test_alerts_filter_by_kind_dyad_actor_severity_and_limit(mirror):
    for n, (kind, severity, dyad) in enumerate([
        ("escalation", "critical", "RUS|UKR"), ("escalation", "warning", "CHN|USA"),
        ("band_change", "info", "CHN|IRN"), ("new_material_cooperation", "info", "CHN|IRN"),
    ]):
        mirror.apply_alert(alert(n, n, kind, severity, dyad).model_dump_json().encode())

    def ids(**params: str) -> list[str]:
        return [a.id for a in mirror.alerts_matching(parse_alerts_query(params)).alerts]

    assert ids(kind="escalation") == ["alert:1", "alert:0"]
    assert ids(dyad="irn-chn") == ids(dyad="CHN|IRN") == ["alert:3", "alert:2"]
    assert ids(actor="chn") == ["alert:3", "alert:2", "alert:1"]
    assert ids(severity="warning") == ["alert:1", "alert:0"]
    assert ids(limit="1") == ["alert:3"]
    assert ids(kind="escalation", actor="RUS", severity="critical") == ["alert:0"]


@pytest.mark.parametrize(
    ("params", "hint"),
    [({"kind": "panic"}, "escalation"), ({"severity": "high"}, "critical"), ({"dyad": "CHN"}, "dyad=CHN|IRN"),
     ({"limit": "0"}, "1 to 500"), ({"limit": "ten"}, "1 to 500")],
)
def test_a_wrong_alerts_parameter_is_refused_with_the_values_that_work(params, hint):
    with pytest.raises(BadQuery, match=hint):
        parse_alerts_query(params)


def test_the_mirror_keeps_only_the_newest_alerts(mirror):
    for n in range(ALERTS_KEEP + 20):
        mirror.apply_alert(alert(n, hours=n).model_dump_json().encode())
    mirror.apply_alert(alert(9999, hours=-5).model_dump_json().encode())
    kept = mirror.alerts_matching(AlertsQuery(limit=ALERTS_KEEP)).alerts
    assert len(kept) == ALERTS_KEEP
    assert kept[0].id == f"alert:{ALERTS_KEEP + 19}" and kept[-1].id == "alert:20"


def test_evidence_links_to_the_article_url_only_when_it_is_http(mirror):
    mirror.apply_relation(*record(state("CHN", "IRN", 2.0, evidence=[evidence("a1"), evidence("a2"),
                                                                        evidence("a3")])))
    linked = {"article_id": "a1", "url": "https://news.example/a1", "title": "Drills"}
    mirror.apply_enriched(json.dumps(linked).encode())
    mirror.apply_enriched(json.dumps({"article_id": "a2", "url": "javascript:alert(1)"}).encode())
    by_id = {e.article_id: e for e in mirror.relation("CHN", "IRN").evidence}  # type: ignore[union-attr]
    assert (by_id["a1"].url, by_id["a1"].title) == ("https://news.example/a1", "Drills")
    assert by_id["a2"].url is None and by_id["a3"].url is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/a", "http://", None, ""])
def test_only_absolute_http_urls_are_links(url):
    assert safe_url(url) is None


def test_actor_names_come_from_the_actor_data_and_unknown_codes_name_themselves():
    names = ActorNames.load()
    assert names.name("IRN") == "Iran"
    assert names.name("NATO") == "North Atlantic Treaty Organization"
    assert names.name("XQZ") == "XQZ"


def test_the_openapi_document_is_3_1_describes_every_route_and_every_ref_resolves():
    doc = openapi_document("1.2.3")
    assert doc["openapi"] == "3.1.0" and doc["info"]["version"] == "1.2.3"
    assert {"/api/relations", "/api/relations/{a}/{b}", "/api/alerts", "/healthz", "/readyz",
            "/metrics"} <= set(doc["paths"])
    assert all(set(ops) == {"get"} for ops in doc["paths"].values()), "the API is read-only"
    refs = {m for m in _refs(doc)}
    assert refs and refs <= {f"#/components/schemas/{n}" for n in doc["components"]["schemas"]}
    detail = doc["components"]["schemas"]["RelationDetail"]["properties"]
    assert "evidence" in detail and "happenings" in detail and not INTERNAL & set(detail)
    alert_params = {p["name"] for p in doc["paths"]["/api/alerts"]["get"]["parameters"]}
    assert alert_params == {"since", "kind", "dyad", "actor", "severity", "limit"}


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_served_json_escapes_markup_and_still_decodes_to_the_same_text(mirror):
    sentence = 'China accused Japan <script>alert("x")</script> & <img src=x onerror=alert(1)>.'
    mirror.apply_relation(*record(state("CHN", "IRN", 2.0, evidence=[evidence("a1", sentence)])))
    body = inert_json(mirror.relation("CHN", "IRN"))  # type: ignore[arg-type]
    assert b"<" not in body and b">" not in body and b"&" not in body
    assert json.loads(body)["evidence"][0]["sentence"] == sentence


def test_the_etag_changes_with_every_applied_record_and_when_the_mirror_is_loaded(mirror):
    tags = [mirror.etag]
    mirror.apply_relation(*record(state("CHN", "IRN", 1.0)))
    tags.append(mirror.etag)
    mirror.loaded = True
    tags.append(mirror.etag)
    assert len(set(tags)) == 3


def test_the_mirror_keeps_titles_cut_to_their_cap_and_drops_urls_over_theirs():
    mirror = Mirror(names=ActorNames({}), title_bytes=20, url_bytes=40)
    assert mirror.apply_enriched(json.dumps({"article_id": "a", "title": "é" * 5_000_000,
                                             "url": "https://example.org/" + "x" * 100}).encode())
    url, title = mirror.articles["a"]
    assert url is None and title is not None and len(title.encode()) <= 20 and title.endswith("…")
    mirror.apply_enriched(json.dumps({"article_id": "b", "title": "short", "url": "https://e.org/b"}).encode())
    assert mirror.articles["b"] == ("https://e.org/b", "short")


# the score over time, and how fresh the table is


def test_each_update_of_a_dyad_is_a_point_of_its_score_history_and_a_replay_adds_none(mirror):
    for hours, score in ((0, 1.0), (5, 2.5), (5, 2.5), (9, -1.0)):
        mirror.apply_relation(*record(state("CHN", "IRN", score, hours=hours)))
    history = mirror.relation_history("irn", "CHN")
    assert history is not None and history.dyad == "CHN|IRN" and history.name_b == "Iran"
    assert [(p.time - T0, p.score) for p in history.points] == [
        (timedelta(0), 1.0), (timedelta(hours=5), 2.5), (timedelta(hours=9), -1.0)]
    assert mirror.relation_history("CHN", "USA") is None
    mirror.apply_relation(b"CHN|IRN", None)
    assert mirror.relation_history("CHN", "IRN") is None and "CHN|IRN" not in mirror.history
    assert mirror.history_points == 0


def test_a_long_history_keeps_its_recent_updates_and_one_point_per_day_before_them(mirror):
    from streams.relations_view import HISTORY_KEEP

    for n in range(HISTORY_KEEP * 4):
        mirror.apply_relation(*record(state("CHN", "IRN", (n % 20) / 2 - 5, events=n + 1, hours=n * 6)))
    history = mirror.relation_history("CHN", "IRN")
    assert history is not None
    points = history.points
    assert len(points) <= HISTORY_KEEP and mirror.history_points == len(points)
    assert points[-1].event_count == HISTORY_KEEP * 4, "the newest update is kept"
    assert [p.event_count for p in points[-HISTORY_KEEP // 2:]] == list(
        range(HISTORY_KEEP * 4 - HISTORY_KEEP // 2 + 1, HISTORY_KEEP * 4 + 1))
    old = points[: -HISTORY_KEEP // 2]
    assert len({p.time.date() for p in old}) == len(old), "one point per UTC day before the recent ones"
    assert [p.time for p in points] == sorted(p.time for p in points)


def test_score_history_over_all_dyads_is_bounded_and_the_dyads_updated_longest_ago_give_theirs_up(
    mirror, monkeypatch
):
    import streams.relations_view as view

    monkeypatch.setattr(view, "HISTORY_POINTS_KEEP", 10)
    for dyad in (("CHN", "IRN"), ("RUS", "USA"), ("CHN", "USA")):
        for n in range(4):
            mirror.apply_relation(*record(state(*dyad, float(n), events=n + 1, hours=n)))
    assert mirror.history_points == 8
    assert list(mirror.history) == ["RUS|USA", "CHN|USA"], "the least recently updated dyad lost its history"
    assert mirror.relation_history("CHN", "IRN").points == []  # type: ignore[union-attr]
    assert len(mirror.relation_history("CHN", "USA").points) == 4  # type: ignore[union-attr]


def test_the_list_says_which_topic_it_mirrors_and_when_its_newest_record_was_written():
    mirror = Mirror(names=ActorNames({}), source="geo-relations")
    assert mirror.relations().latest_record_at is None
    mirror.apply_relation(*record(state("CHN", "IRN", 1.0)), timestamp_ms=1_772_366_400_000)
    mirror.apply_relation(*record(state("CHN", "IRN", 2.0)), timestamp_ms=1_772_366_000_000)
    listed = mirror.relations()
    assert listed.source == "geo-relations"
    assert listed.latest_record_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_openapi_document_describes_the_history_route():
    document = openapi_document("1.0")
    route = document["paths"]["/api/relations/{a}/{b}/history"]["get"]
    assert route["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RelationHistory")
    assert "points" in document["components"]["schemas"]["RelationHistory"]["properties"]
