"""Core layer: the CAMEO event codebook (codes, names, Goldstein values, roots and GDELT quad classes)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from streams.core.models import QuadClass

CAMEO_TSV = Path(__file__).parent / "data" / "cameo.tsv"

VERBAL_COOPERATION: QuadClass = 1
MATERIAL_COOPERATION: QuadClass = 2
VERBAL_CONFLICT: QuadClass = 3
MATERIAL_CONFLICT: QuadClass = 4
"""GDELT's quad classes, from `quad_class_of`."""

APPEAL, CONSULT, DEMAND, REJECT, PROTEST = 2, 4, 10, 12, 14
"""CAMEO roots the rules name: 02 APPEAL, 04 CONSULT, 10 DEMAND, 12 REJECT, 14 PROTEST."""
ACCUSE = "112"
"""The CAMEO code of accusing (under 11 DISAPPROVE)."""
MILITARY_COOPERATION, SHOW_OF_FORCE = "062", "150"
VISIT = "042"
MATERIAL_INTENT = "031"
"""CAMEO 031x, intent to engage in material (economic, military, judicial, intelligence) cooperation: a plan for
joint drills that both sides commit to is news before the first drill."""
SHOW_OF_FORCE_ROOT = 15

INTENT_BY_ROOT: dict[int, str] = {4: "036", 5: "032", 6: "031", 7: "033", 8: "035"}
"""The CAMEO 03x code for an intention to do an event of a cooperative root (agree to meet -> 036)."""
INTENT_BY_CODE: dict[str, str] = {
    "045": "039",
    "061": "0311",
    "062": "0312",
    "063": "0313",
    "064": "0314",
}
"""Finer 03x codes where the intended event says more (agree to hold drills -> 0312, to mediate -> 039)."""

THREAT_BY_CODE: dict[str, str] = {"144": "131", "163": "132", "172": "132", "161": "131", "166": "131"}
THREAT_BY_ROOT: dict[int, str] = {14: "133", 15: "138", 16: "131", 17: "137", 18: "138", 19: "138", 20: "138"}
"""The CAMEO 13x code for an intended act of protest or material conflict ('would reimpose sanctions' -> 132,
'threatened to hold protests' -> 133); blocking is mostly of a bid, a deal or sanctions, a threat of non-force
('threatened to block Sweden's bid' -> 131)."""

REJECT_BY_ROOT: dict[int, str] = {4: "125", 5: "120", 6: "121", 7: "122", 8: "124"}
"""The CAMEO 12x code for refusing to do an event of a cooperative root (refuse to meet -> 125)."""
DECLINED_COMMENT = "011"
"""Declining to comment ('declined to comment on the report'): a refused statement verb, not a refused act that
a statement is the object of ('refused to sign a joint statement' is a rejection, 120)."""


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    goldstein: float

    @property
    def root(self) -> int:
        return root_of(self.code)

    @property
    def quad_class(self) -> QuadClass:
        return quad_class_of(self.root)


def root_of(code: str) -> int:
    """The CAMEO root of a code: its first two digits ('0622' -> 6)."""
    if len(code) < 2 or not code[:2].isdigit() or not 1 <= int(code[:2]) <= 20:
        raise ValueError(f"{code!r} is not a CAMEO code: use 3 or 4 digits starting with 01..20, e.g. '042'")
    return int(code[:2])


def quad_class_of(root: int) -> QuadClass:
    """GDELT quad class of a root: 01-05 verbal coop, 06-09 material coop, 10-14 verbal, 15-20 material conflict;
    the one quad rule of dyadwatch."""
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO root {root} is outside 1..20; write the code as e.g. '042' or '190'")
    if root <= 5:
        return VERBAL_COOPERATION
    if root <= 9:
        return MATERIAL_COOPERATION
    if root <= 14:
        return VERBAL_CONFLICT
    return MATERIAL_CONFLICT


def is_cooperative(quad: QuadClass) -> bool:
    """True for the cooperative quad classes (1 verbal, 2 material); 3 and 4 are conflict."""
    return quad in (VERBAL_COOPERATION, MATERIAL_COOPERATION)


def is_material_intent(code: str) -> bool:
    """True for 031 and its finer codes: an intent to cooperate materially ('0312' agree to hold drills)."""
    return code.startswith(MATERIAL_INTENT)


def is_material_conflict(code: str) -> bool:
    """True for a code of material conflict, quad 4: roots 15-20, from a show of force to mass violence."""
    return quad_class_of(root_of(code)) == MATERIAL_CONFLICT


def is_consultation(code: str) -> bool:
    """True for root 04 CONSULT: meetings, visits, hosting, calls ('040', '042', '043')."""
    return root_of(code) == CONSULT


def is_request(code: str) -> bool:
    """True for a code that asks for something: roots 02 APPEAL and 10 DEMAND ('020', '023', '100')."""
    return root_of(code) in (APPEAL, DEMAND)


def is_accusation(code: str) -> bool:
    """True for 112 ACCUSE and its finer codes: accusing, blaming, charging."""
    return code.startswith(ACCUSE)


def is_verbal(code: str) -> bool:
    """True for verbal cooperation or conflict (quads 1 and 3): words, not deeds."""
    return quad_class_of(root_of(code)) in (VERBAL_COOPERATION, VERBAL_CONFLICT)


def is_protest(code: str) -> bool:
    """True for a protest (root 14): demonstrations, rallies, boycotts."""
    return root_of(code) == PROTEST


HOST_ACTS = frozenset({"114", "173", "174"})
"""Complain officially (summoning an envoy), arrest or detain, expel or deport: acts a state does to another's
people on its own soil."""


def is_done_by_the_host(code: str) -> bool:
    """True for the acts a state does to another's people in its land (`HOST_ACTS`): told in the passive with no
    agent ('Iran's ambassador was summoned', 'two Russian diplomats were expelled'), the state that speaks or where
    it happened did them."""
    return code[:3] in HOST_ACTS


def is_rejection(code: str) -> bool:
    """True for root 12 REJECT (reject, veto, dismiss): what it acts on did not happen."""
    return root_of(code) == REJECT


def acts_on_its_place(code: str) -> bool:
    """True for the acts whose place coders take as their target when none is named: material cooperation and
    conflict (aid, troops, inquiries, strikes: quads 2 and 4), protests (root 14) and visits (042: 'arrived in
    Sochi', 'travelled to Jeddah' visit the state of the city). A statement, meeting or agreement made in a city is
    not about that city's state."""
    root = root_of(code)
    return quad_class_of(root) in (MATERIAL_COOPERATION, MATERIAL_CONFLICT) or root == PROTEST or code == VISIT


def at_a_place(code: str) -> str:
    """The code of an act whose target is only the state where it happened: military drills there with no
    partner of that state ('drills around Taiwan', 'off the coast of Sweden') show force (150); others keep
    their code ('air strikes in Syria' stay 195)."""
    return SHOW_OF_FORCE if code.startswith(MILITARY_COOPERATION) else code


def shows_force(code: str) -> bool:
    """True for a show of force (root 15), and for military cooperation with no partner, which is one at its
    place (`at_a_place`)."""
    return root_of(code) == SHOW_OF_FORCE_ROOT or code.startswith(MILITARY_COOPERATION)


def is_general(code: str) -> bool:
    """True for a root-level code ('040', '190'): a finer code of the same root says more."""
    return code.endswith("0")


def intention_of(code: str) -> str:
    """The code of intending the event of `code`: 03x for cooperation ('042' -> '036'), 13x for material
    conflict ('163' -> '132'); other codes stay as they are."""
    root = root_of(code)
    if root in INTENT_BY_ROOT:
        return INTENT_BY_CODE.get(code[:3], INTENT_BY_ROOT[root])
    if root in THREAT_BY_ROOT:
        return THREAT_BY_CODE.get(code[:3], THREAT_BY_ROOT[root])
    return code


def refusal_of(code: str, verb: bool = False) -> str | None:
    """The 12x code of refusing the event of `code` ('040' -> '125'); refusing a plain statement (010) named by
    a verb is declining comment (011: 'declined to comment'); None where a refusal is no event."""
    if verb and code == "010":
        return DECLINED_COMMENT
    return REJECT_BY_ROOT.get(root_of(code))


@cache
def codebook(path: Path = CAMEO_TSV) -> dict[str, CameoCode]:
    """All codes of the codebook file, by code; loaded once."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["code"]: CameoCode(row["code"], row["name"], float(row["goldstein"])) for row in rows}


def lookup(code: str) -> CameoCode:
    """The codebook entry of a code; a 4-digit code unknown to the book falls back to its 3-digit parent."""
    book = codebook()
    entry = book.get(code) or book.get(code[:3])
    if entry is None:
        raise KeyError(f"CAMEO code {code!r} is not in {CAMEO_TSV.name}: add a row 'code<TAB>name<TAB>goldstein'")
    return entry
