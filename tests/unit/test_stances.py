"""Unit tests: stance rules (holder, polarity, target, topic) over parsed sentences."""

from __future__ import annotations

from tests.unit.dictionary_actors import stances


def triples(text: str) -> set[tuple[str, str, str | None]]:
    return {(s.holder, s.polarity, s.target) for s in stances(text)}


def test_each_coordinated_holder_opposes_the_owner_of_the_opposed_act() -> None:
    found = stances("Both Iran and China say they oppose Russia's invasion into Ukraine.")
    assert {(s.holder, s.polarity, s.target) for s in found} == {
        ("IRN", "oppose", "RUS"),
        ("CHN", "oppose", "RUS"),
    }
    assert all(s.topic == "Russia's invasion into Ukraine" for s in found)


def test_saying_an_actor_is_responsible_is_blame_by_the_speakers() -> None:
    found = triples("Both Iran and China say NATO actions are partly responsible.")
    assert found == {("IRN", "blame", "NATO"), ("CHN", "blame", "NATO")}


def test_siding_with_an_actor_is_support() -> None:
    assert triples("China is siding with Russia over the war.") == {("CHN", "support", "RUS")}


def test_wanting_another_actor_to_act_is_a_demand_on_it() -> None:
    found = stances("Iran wants the United States to remove the sanctions.")
    assert [(s.holder, s.polarity, s.target) for s in found] == [("IRN", "demand", "USA")]
    assert found[0].topic == "remove the sanctions"


def test_praise_and_criticism_point_at_the_object() -> None:
    assert triples("Canada praised Norway's climate policy.") == {("CAN", "praise", "NOR")}
    assert triples("Japan criticized China's coast guard.") == {("JPN", "criticize", "CHN")}


def test_a_negated_criticism_is_no_stance() -> None:
    assert stances("Germany did not criticize Israel.") == []


def test_refusing_to_condemn_is_no_stance() -> None:
    assert stances("Brazil refused to condemn Russia.") == []


def test_a_stance_on_a_policy_has_a_topic_and_no_target() -> None:
    found = stances("Mexico opposes the new tariffs.")
    assert [(s.holder, s.polarity, s.target, s.topic) for s in found] == [
        ("MEX", "oppose", None, "the new tariffs")
    ]


def test_stance_confidence_is_a_probability_and_the_span_is_the_sentence() -> None:
    text = "Talks went on. Egypt condemned Israel."
    (found,) = stances(text)
    assert 0 <= found.confidence <= 1 and text[found.span[0] : found.span[1]] == found.sentence
