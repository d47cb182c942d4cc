"""The examples answer reachability questions in plain words, and the answers are the engine's."""
from __future__ import annotations

import re

import pytest

from helpers import load_example, run_example

ANSWER = re.compile(r"^  (?P<src>\S+) → (?P<dst>\S+) on (?P<proto>tcp)/(?P<port>\d+): "
                    r"(?P<words>.*)$")
ID = r"[a-z]+(?:-[a-z]+)*-[0-9a-f]{17}"


def answers(script: str) -> dict[tuple[str, str, int], str]:
    """(source, destination, port) -> the words the script printed for it."""
    found = {}
    for line in run_example(script).splitlines():
        match = ANSWER.match(line)
        if match:
            key = (match["src"], match["dst"], int(match["port"]))
            found[key] = match["words"]
    return found


@pytest.fixture(scope="module")
def hub() -> dict[tuple[str, str, int], str]:
    return answers("hub_and_spoke.py")


@pytest.fixture(scope="module")
def tiers() -> dict[tuple[str, str, int], str]:
    return answers("three_tier.py")


def hops(words: str) -> list[str]:
    assert words.startswith("reachable via "), words
    return [hop.split(" (")[0] for hop in words.removeprefix("reachable via ").split(" → ")]


def test_hub_and_spoke_asks_three_questions(hub):
    assert set(hub) == {("spoke-a", "shared", 443), ("shared", "spoke-c", 443),
                        ("spoke-a", "spoke-b", 443)}


def test_a_spoke_reaches_shared_services_through_the_spokes_table(hub):
    words = hub[("spoke-a", "shared", 443)]
    path = hops(words)
    assert [re.sub(r"-[0-9a-f]{17}$", "", hop) for hop in path] == [
        "rtb", "tgw-attach", "tgw", "tgw-rtb", "tgw-attach", "rtb"]
    assert "(spoke-a) → " in words and "(hub) → " in words and "(spokes) → " in words
    assert "(shared) → rtb-" in words


def test_shared_services_reach_a_spoke_through_the_shared_table(hub):
    words = hub[("shared", "spoke-c", 443)]
    assert re.search(r"tgw-rtb-[0-9a-f]{17} \(shared\) → tgw-attach-[0-9a-f]{17} \(spoke-c\)",
                     words), words


def test_spoke_to_spoke_is_blocked_by_the_blackhole_in_the_spokes_table(hub):
    words = hub[("spoke-a", "spoke-b", 443)]
    assert re.fullmatch(r"blocked by TGW_RTB_BAD_STATE_ROUTE at tgw-rtb-[0-9a-f]{17} "
                        r"\(spokes\)", words), words
    # the table that blocks is the one spoke-a's traffic went through to reach shared
    spokes_table = [hop for hop in hops(hub[("spoke-a", "shared", 443)])
                    if hop.startswith("tgw-rtb-")]
    assert words.split(" at ")[1].split(" ")[0] == spokes_table[0]


def test_three_tier_answers_tier_by_tier(tiers):
    assert re.fullmatch(r"reachable via igw-[0-9a-f]{17} \(three-tier\)",
                        tiers[("internet", "web-1", 443)])
    assert re.fullmatch(r"reachable via rtb-[0-9a-f]{17} \(web\)",
                        tiers[("web-1", "app-1", 8080)])
    assert re.fullmatch(r"reachable via rtb-[0-9a-f]{17} \(app\)",
                        tiers[("app-2", "data-1", 5432)])


def test_three_tier_names_what_blocks(tiers):
    assert re.fullmatch(r"blocked by ENI_SG_RULES_MISMATCH at eni-[0-9a-f]{17}",
                        tiers[("web-1", "data-1", 5432)])
    # the app tier has no public address: the internet gateway has nothing to map to it
    assert re.fullmatch(rf"blocked by IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS at {ID} "
                        r"\(three-tier\)", tiers[("internet", "app-1", 8080)])


def test_printed_answers_are_the_engines(tiers):
    """The same questions asked in-process give the same verdicts."""
    import boto3

    import routing
    from api import mock_ec2

    three_tier = load_example("three_tier")
    with mock_ec2(seed=3) as mock:
        ec2 = boto3.client("ec2", region_name=three_tier.REGION)
        built = three_tier.build(ec2)
        ends = {"internet": built["igw"], **{f"{tier}-{n + 1}": i for tier, ids in
                                             built["instances"].items()
                                             for n, i in enumerate(ids)}}
        for (src, dst, port), words in tiers.items():
            answer = routing.reachability(mock.world, ends[src], ends[dst],
                                          destination_port=port)
            assert answer.network_path_found == words.startswith("reachable"), (src, dst)
