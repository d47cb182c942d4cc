"""Renderers (`viz.render`): the SVG's nested groups, byte-identical SVG for the same state,
PNG and PDF that decode, DOT clusters, JSON, and a reachability path drawn over them."""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

import viz
from api import mock_ec2
from routing import reachability
from test_viz_scene import ACCOUNT, AMI, REGION, WEST, named, network
from topology.provision import state
from topology.core.world import World

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=9)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ec2(world: World) -> Any:
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def ids(world: World, ec2: Any) -> dict[str, Any]:
    return network(ec2, boto3.client("ec2", region_name=WEST))


def groups(svg: bytes) -> dict[str, tuple[ET.Element, list[str]]]:
    """Every `<g>` with a class: id -> (element, its ancestors' ids, nearest first)."""
    root = ET.fromstring(svg)
    found: dict[str, tuple[ET.Element, list[str]]] = {}

    def walk(element: ET.Element, above: list[str]) -> None:
        for child in element:
            here = above
            if child.tag == f"{SVG}g" and child.get("class"):
                found[child.get("id", "")] = (child, above)
                here = [child.get("id", "")] + above
            walk(child, here)

    walk(root, [])
    return found


def classes(found: dict[str, tuple[ET.Element, list[str]]], rid: str) -> set[str]:
    return set(found[rid][0].get("class", "").split())


# -- SVG ------------------------------------------------------------------------------------------
def test_svg_groups_every_vpc_subnet_and_gateway_nested_like_the_network(world, ids):
    found = groups(viz.render(world, "svg"))
    region = f"region.{ACCOUNT}.{REGION}"
    for vpc in (ids["app"], ids["db"], ids["default"]):
        assert found[vpc][1] == [region]
        assert "vpc" in classes(found, vpc)
    for subnet, zone in ((ids["public"], "us-east-1a"), (ids["private"], "us-east-1b")):
        assert found[subnet][1] == [f"az.{ids['app']}.{zone}", ids["app"], region]
        assert {"subnet", "container"} <= classes(found, subnet)
    for gateway in (ids["igw"], ids["vgw"], ids["eigw"], ids["s3"], ids["attach"][ids["app"]]):
        assert found[gateway][1] == [ids["app"], region]
        assert "border" in classes(found, gateway)
    assert found[ids["nat"]][1][0] == ids["public"]
    assert found[ids["web"][0]][1][0] == ids["public"]
    assert found[ids["tgw"]][1] == [region] and "bus" in classes(found, ids["tgw"])
    assert found[ids["cgw"]][1] == [region]
    assert found[ids["west"]][1] == [f"region.{ACCOUNT}.{WEST}"]
    assert {"internet-gateway"} <= classes(found, ids["igw"])
    assert {"vpc-endpoint", "gateway-endpoint"} <= classes(found, ids["s3"])
    assert {"public"} <= classes(found, ids["public"]) and {"private"} <= classes(
        found, ids["private"])


def test_svg_links_are_groups_of_their_own(world, ids):
    found = groups(viz.render(world, "svg"))
    assert found["edges"][1] == []
    for link, kind in ((ids["pcx"], "peering"), (ids["west_pcx"], "peering"),
                       (ids["vpn"], "vpn"), (f"{ids['attach'][ids['db']]}.tap", "tap")):
        assert found[link][1] == ["edges"] and classes(found, link) == {"edge", kind}


def test_svg_labels_are_text(world, ids):
    svg = viz.render(world, "svg").decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "app" in texts and "public-a" in texts and ids["app"] in svg
    assert any("10.0.0.0/16" in t for t in texts)
    assert "font-family: 'DejaVu Sans'" in svg


def test_svg_is_byte_identical_for_the_same_state(world, ids):
    first = viz.render(world, "svg")
    assert viz.render(world, "svg") == first
    assert viz.render(state.load(json.loads(json.dumps(state.dump(world)))), "svg") == first
    assert b"<dc:date>" not in first


def test_svg_follows_the_state(world, ids, ec2):
    before = viz.render(world, "svg")
    subnet = ec2.create_subnet(VpcId=ids["db"], CidrBlock="10.1.9.0/24",
                               AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    after = viz.render(world, "svg")
    assert before != after and subnet.encode() in after and subnet.encode() not in before


def test_names_are_drawn_as_text_not_markup_or_math(world, ec2):
    ec2.create_vpc(CidrBlock="10.5.0.0/16", TagSpecifications=named(
        "vpc", '<script>alert("x")</script> costs $5 and $6'))
    svg = viz.render(world, "svg")
    assert b"<script>" not in svg
    assert b"&lt;script&gt;" in svg and b"$5 and $6" in svg
    ET.fromstring(svg)                       # still well-formed


def test_a_large_subnet_folds_in_the_picture(world, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.0.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ec2.run_instances(ImageId=AMI, MinCount=30, MaxCount=30, InstanceType="t3.micro",
                      SubnetId=subnet)
    found = groups(viz.render(world, "svg", vpc=vpc, budget=20))
    assert found[f"instances.{subnet}"][1][0] == subnet
    assert not any(rid.startswith("i-") for rid in found)
    assert b"30 instances" in viz.render(world, "svg", vpc=vpc, budget=20)


def test_every_svg_id_is_unique_with_vpn_and_peering_attachments(world, ids, ec2):
    west = boto3.client("ec2", region_name=WEST)
    far = west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    peering = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=ids["tgw"], PeerTransitGatewayId=far, PeerAccountId=ACCOUNT,
        PeerRegion=WEST)["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65001)[
        "CustomerGateway"]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                    TransitGatewayId=ids["tgw"])["VpnConnection"]["VpnConnectionId"]
    svg = viz.render(world, "svg")
    all_ids = [e.get("id") for e in ET.fromstring(svg).iter() if e.get("id")]
    assert len(all_ids) == len(set(all_ids))
    found = groups(svg)
    region = f"region.{ACCOUNT}.{REGION}"
    assert found[peering][1] == [region] and found[cgw][1] == [region]
    assert found[far][1] == [f"region.{ACCOUNT}.{WEST}"]
    assert classes(found, f"{peering}.peer") == {"edge", "tgw-peering"}
    assert classes(found, vpn) == {"edge", "vpn"}
    assert classes(found, f"{peering}.tap") == {"edge", "tap"}


# -- PNG and PDF ----------------------------------------------------------------------------------
def test_png_decodes_to_a_picture_with_something_drawn(world, ids):
    from PIL import Image

    data = viz.render(world, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    width, height = image.size
    assert width > 400 and height > 300
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20          # not a blank page
    assert viz.render(world, "png") == data


def test_pdf_decodes(world, ids):
    data = viz.render(world, "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[start:start + 4] == b"xref"
    header = re.match(rb"xref\s+(\d+)\s+(\d+)\s+", data[start:])
    first, count = int(header.group(1)), int(header.group(2))
    entries = data[start + header.end():].split(b"\n")[:count]
    for number, entry in enumerate(entries, start=first):
        offset, _, kind = entry.split()[:3]
        if kind == b"n":
            assert re.match(rb"%d 0 obj" % number, data[int(offset):]), number
    streams = re.findall(rb"/Filter /FlateDecode.*?stream\n(.*?)\nendstream", data, re.S)
    contents = [zlib.decompress(s) for s in streams]
    assert any(b"Tj" in c or b"TJ" in c for c in contents)          # text is drawn
    assert b"/CreationDate" not in data


# -- DOT ----------------------------------------------------------------------------------------
def test_dot_nests_clusters_like_the_network(world, ids):
    dot = viz.render(world, "dot").decode()
    assert dot.startswith('digraph "ec2sim" {') and dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}")
    stack: list[str] = []
    where: dict[str, list[str]] = {}
    for line in dot.splitlines():
        opened = re.match(r'\s*subgraph "cluster_([^"]+)" \{', line)
        if opened:
            where[opened.group(1)] = list(stack)
            stack.append(opened.group(1))
        elif line.strip() == "}":
            if stack:
                stack.pop()
        else:
            node = re.match(r'\s*"([^"]+)" \[', line)
            if node and node.group(1) not in where:
                where[node.group(1)] = list(stack)
    assert where[ids["public"]][-2:] == [ids["app"], f"az.{ids['app']}.us-east-1a"]
    assert where[ids["web"][0]][-1] == ids["public"]
    assert where[ids["igw"]][-1] == ids["app"]
    assert where[ids["tgw"]] == [f"region.{ACCOUNT}.{REGION}"]
    assert f'"{ids["app"]}" -> "{ids["db"]}"' in dot
    assert f'ltail="cluster_{ids["app"]}"' in dot
    assert viz.render(world, "dot").decode() == dot


def test_dot_escapes_quotes(world, ec2):
    ec2.create_vpc(CidrBlock="10.5.0.0/16", TagSpecifications=named("vpc", 'say "hi" \\o/'))
    dot = viz.render(world, "dot").decode()
    assert 'say \\"hi\\" \\\\o/' in dot


# -- JSON -----------------------------------------------------------------------------------------
def test_json_has_nodes_boxes_edges_and_containment(world, ids):
    data = json.loads(viz.render(world, "json"))
    assert (data["format"], data["zoom"]) == ("ec2sim-diagram", "instance")
    nodes = {n["id"]: n for n in data["nodes"]}
    scene = viz.snapshot(world)
    assert list(nodes) == list(scene.nodes)
    assert nodes[ids["public"]]["parent"] == f"az.{ids['app']}.us-east-1a"
    assert nodes[ids["app"]]["cidrs"] == ["10.0.0.0/16"] and nodes[ids["app"]]["name"] == "app"
    box = viz.layout(scene)[ids["app"]]
    assert nodes[ids["app"]]["box"] == {"x": round(box.x, 2), "y": round(box.y, 2),
                                        "w": round(box.w, 2), "h": round(box.h, 2)}
    assert ids["public"] in data["containment"][f"az.{ids['app']}.us-east-1a"]
    assert data["roots"] == scene.roots()
    edges = {e["id"]: e for e in data["edges"]}
    assert edges[ids["pcx"]]["kind"] == "peering" and len(edges[ids["pcx"]]["points"]) >= 2
    assert data["highlight"] is None


def test_json_records_the_filters_and_the_zoom(world, ids):
    data = json.loads(viz.render(world, "json", vpc=ids["app"], zoom="vpc"))
    assert data["filters"] == {"vpc": [ids["app"]]} and data["zoom"] == "vpc"


# -- reachability overlay -------------------------------------------------------------------------
@pytest.fixture
def tiers(world: World, ec2: Any) -> dict[str, Any]:
    """web -> app on 8080 allowed; web -> db on 5432 not (db's group admits app only)."""
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16", TagSpecifications=named("vpc", "tiers"))[
        "Vpc"]["VpcId"]
    made: dict[str, Any] = {"vpc": vpc}
    for n, tier in enumerate(("web", "app", "db")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{n}.0/24",
                                   AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName=tier, Description=tier, VpcId=vpc)["GroupId"]
        made[tier] = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet,
                                       InstanceType="t3.micro", SecurityGroupIds=[group])[
            "Instances"][0]["InstanceId"]
        made[f"{tier}_subnet"], made[f"{tier}_group"] = subnet, group
    for tier, front, port in (("app", "web", 8080), ("db", "app", 5432)):
        ec2.authorize_security_group_ingress(GroupId=made[f"{tier}_group"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "UserIdGroupPairs": [{"GroupId": made[f"{front}_group"]}]}])
    return made


def test_a_found_path_highlights_its_hops(world, tiers):
    analysis = reachability(world, tiers["web"], tiers["app"], protocol="tcp",
                            destination_port=8080)
    assert analysis.network_path_found
    found = groups(viz.render(world, "svg", vpc=tiers["vpc"], highlight=analysis))
    assert found["highlight"][1] == []
    hops = [rid for rid in found if rid.startswith("hop.")]
    assert hops == [f"hop.1.{tiers['web']}", f"hop.2.{tiers['app']}"]
    assert f"step.{tiers['web']}.{tiers['app']}" in found
    assert not any(rid.startswith("blocked.") for rid in found)


def test_a_blocked_path_marks_the_component_that_blocks(world, tiers):
    analysis = reachability(world, tiers["web"], tiers["db"], protocol="tcp",
                            destination_port=5432)
    assert not analysis.network_path_found
    svg = viz.render(world, "svg", vpc=tiers["vpc"], highlight=analysis)
    found = groups(svg)
    blocked = [rid for rid in found if rid.startswith("blocked.")]
    assert blocked == [f"blocked.{tiers['db']}"]            # the interface stands for it
    code = analysis.explanations[0]["ExplanationCode"]
    assert code.encode() in svg and tiers["db_group"].encode() in svg


def test_the_overlay_accepts_analysis_shaped_dicts(world, tiers):
    """A hand-built NetworkInsightsAnalysis: an ACL blocks at its subnet, not the VPC."""
    acl = world.out(tiers["vpc"], "contains", "network-acl")[0][0]
    web_eni = world.into(tiers["web"], "attached", "network-interface")[0][0]
    analysis = {
        "NetworkPathFound": False,
        "ForwardPathComponents": [
            {"SequenceNumber": 1, "Component": {"Id": tiers["web"]}},
            {"SequenceNumber": 2, "Component": {"Id": web_eni}},
            {"SequenceNumber": 3, "Component": {"Id": acl}},
        ],
        "Explanations": [{"ExplanationCode": "ACL_RULES_MISMATCH", "Acl": {"Id": acl},
                          "Subnet": {"Id": tiers["app_subnet"]}, "Direction": "ingress"}],
    }
    scene = viz.collapse(viz.snapshot(world, vpc=tiers["vpc"]))
    marks = viz.overlay(scene, analysis)
    assert marks.hops == (tiers["web"], tiers["vpc"])
    assert marks.route == (tiers["web"],)            # the VPC holds the web instance
    assert marks.blocked == tiers["app_subnet"] and marks.reason == f"ACL_RULES_MISMATCH: {acl}"
    assert marks.found is False
    data = json.loads(viz.render(world, "json", vpc=tiers["vpc"], highlight=analysis))
    assert data["highlight"]["blocked"] == tiers["app_subnet"]


def test_the_overlay_follows_folded_nodes(world, tiers, ec2):
    analysis = reachability(world, tiers["web"], tiers["app"], protocol="tcp",
                            destination_port=8080)
    found = groups(viz.render(world, "svg", vpc=tiers["vpc"], highlight=analysis, zoom="vpc"))
    assert [rid for rid in found if rid.startswith("hop.")] == [f"hop.1.{tiers['vpc']}"]


def test_a_resource_id_highlights_that_resource(world, tiers):
    found = groups(viz.render(world, "svg", highlight=tiers["app_subnet"]))
    assert f"hop.1.{tiers['app_subnet']}" in found
    assert "highlight" not in groups(viz.render(world, "svg", highlight="subnet-0000000000000000f"))


def test_no_highlight_no_overlay(world, tiers):
    assert "highlight" not in groups(viz.render(world, "svg"))
    assert viz.overlay(viz.snapshot(world), None) is None


# -- the API ------------------------------------------------------------------------------------
def test_unknown_format_is_refused(world):
    with pytest.raises(viz.FormatError, match="unknown diagram format 'gif'"):
        viz.render(world, "gif")


def test_draw_on_a_given_axes(world, ids):
    from matplotlib.figure import Figure

    scene = viz.snapshot(world, vpc=ids["app"])
    pos = viz.layout(scene)
    ax = Figure().add_subplot()
    assert viz.draw(scene, pos, ax=ax) is ax
    assert [a.get_gid() for a in ax.artists][:1] == [f"region.{ACCOUNT}.{REGION}"]
    width, height = viz.bounds(pos)
    assert ax.get_xlim() == (0, width) and ax.get_ylim() == (height, 0)


def test_an_empty_world_still_renders(world):
    empty = World()
    for fmt in viz.FORMATS:
        assert viz.render(empty, fmt)
    assert empty.partitions() == []


def test_rendering_does_not_import_pyplot():
    import subprocess
    import sys

    code = ("import sys, viz; from topology.core.world import World; w = World(); "
            "w.partition('123456789012', 'us-east-1'); viz.render(w, 'png'); "
            "print('matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_importing_viz_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, viz; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"
