"""The web page through Flask's test client: the index, topology views, resource pages,
escaping of tag values, 404s, and `/` answering browsers with the page and tools with JSON."""
from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient

from api import mock_ec2
from api.app import create_app
from topology.core.world import World

ACCOUNT = "123456789012"
REGION = "us-east-1"
EVIL = '<script>alert("x")</script>'
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def tags(kind: str, name: str, **more: str) -> list[dict[str, Any]]:
    pairs = {"Name": name, **more}
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in pairs.items()]}]


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=7)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ec2(world: World) -> Any:
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def client(world: World) -> FlaskClient:
    return create_app(world).test_client()


@pytest.fixture
def net(ec2: Any) -> dict[str, str]:
    """A VPC named `web` with two subnets and an internet gateway, and one named EVIL."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16",
                         TagSpecifications=tags("vpc", "web"))["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                 TagSpecifications=tags("subnet", f"web-{n}"))
               ["Subnet"]["SubnetId"] for n in (1, 2)]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    evil = ec2.create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=tags(
        "vpc", EVIL, **{"<b>key</b>": EVIL}))["Vpc"]["VpcId"]
    return {"vpc": vpc, "subnet1": subnets[0], "subnet2": subnets[1], "igw": igw, "evil": evil}


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    answer = client.get(path)
    assert answer.status_code == status, (path, answer.status_code)
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


# -- the index and `/` ----------------------------------------------------------------------
def test_index_lists_vpcs_with_links_to_their_views(client: FlaskClient,
                                                    net: dict[str, str]) -> None:
    html = page(client, "/ui")
    for vpc in (net["vpc"], net["evil"]):
        assert f"/ui/{ACCOUNT}/{REGION}/{vpc}" in hrefs(html)
    assert "web" in html and "10.0.0.0/16" in html
    assert f"/ui/{ACCOUNT}/{REGION}" in hrefs(html)
    assert page(client, "/ui/") == html


def test_index_of_an_empty_world_renders(client: FlaskClient) -> None:
    assert "ec2sim" in page(client, "/ui")


def test_browser_at_root_is_sent_to_the_page(client: FlaskClient) -> None:
    answer = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code in (301, 302, 303, 307, 308)
    assert answer.headers["Location"].endswith("/ui")


def test_templates_in_the_working_directory_do_not_shadow_the_page(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.html").write_text("not ours")
    monkeypatch.chdir(tmp_path)
    assert "Accounts, regions and VPCs" in page(create_app(world).test_client(), "/ui")


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, */*"])
def test_tools_at_root_still_get_the_json_health_answer(client: FlaskClient,
                                                        accept: str | None) -> None:
    answer = client.get("/", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    assert answer.get_json() == {"service": "ec2sim", "status": "running"}


def test_a_query_request_at_root_is_still_ec2(client: FlaskClient, net: dict[str, str]) -> None:
    answer = client.get("/?Action=DescribeVpcs&Version=2016-11-15",
                        headers={"Accept": BROWSER_ACCEPT})
    assert answer.status_code == 200
    assert b"<DescribeVpcsResponse" in answer.data and net["vpc"].encode() in answer.data


# -- topology views -------------------------------------------------------------------------
def test_region_view_inlines_the_diagram_with_links_and_tooltips(
        client: FlaskClient, net: dict[str, str]) -> None:
    html = page(client, f"/ui/{ACCOUNT}/{REGION}")
    svg = html[html.index("<svg"):html.index("</svg>")]
    # every VPC of the region is drawn as a linked group with a tooltip
    for vpc in (net["vpc"], net["evil"]):
        assert f'href="/ui/resource/{vpc}"' in svg
    titles = re.findall(r"<title>(.*?)</title>", svg, re.S)
    assert any(net["vpc"] in t and "10.0.0.0/16" in t and "Name: web" in t for t in titles)
    # and listed below, linking to their views
    assert f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}" in hrefs(html)


def test_vpc_view_draws_its_subnets(client: FlaskClient, net: dict[str, str]) -> None:
    html = page(client, f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}")
    svg = html[html.index("<svg"):html.index("</svg>")]
    for subnet in (net["subnet1"], net["subnet2"]):
        assert f'href="/ui/resource/{subnet}"' in svg
    titles = re.findall(r"<title>(.*?)</title>", svg, re.S)
    assert any(net["subnet1"] in t and "CidrBlock: 10.0.1.0/24" in t for t in titles)
    assert net["evil"] not in svg          # another VPC's resources stay out
    assert f"/ui/resource/{net['subnet2']}" in hrefs(html[html.index("</svg>"):])


def test_vpc_view_passes_a_highlight_and_ignores_an_unknown_one(
        client: FlaskClient, net: dict[str, str]) -> None:
    base = f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}"
    assert net["subnet1"] in page(client, f"{base}?highlight={net['subnet1']}")
    assert net["subnet1"] in page(client, f"{base}?highlight=subnet-0000000000000000f")


def test_views_link_the_diagram_downloads(client: FlaskClient, net: dict[str, str]) -> None:
    html = page(client, f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}")
    links = {h for h in hrefs(html) if h.startswith("/_ec2sim/draw.")}
    assert {h.split("?")[0] for h in links} == {f"/_ec2sim/draw.{f}" for f in
                                                 ("svg", "png", "pdf", "dot", "json")}
    assert all(f"vpc={net['vpc']}" in h for h in links)
    svg = client.get(next(h for h in links if ".svg?" in h).replace("&amp;", "&"))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert net["subnet1"].encode() in svg.data and net["evil"].encode() not in svg.data


# -- resource pages -------------------------------------------------------------------------
def test_resource_page_shows_fields_and_edges_linking_neighbours(
        client: FlaskClient, net: dict[str, str]) -> None:
    html = page(client, f"/ui/resource/{net['subnet1']}")
    assert "10.0.1.0/24" in html and "AvailabilityZone" in html and "web-1" in html
    links = hrefs(html)
    assert f"/ui/resource/{net['vpc']}" in links                    # contains: vpc -> subnet
    assert any(h.startswith("/ui/resource/acl-") for h in links)    # the network ACL's edge
    assert f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}?highlight={net['subnet1']}" in (
        h.replace("&amp;", "&") for h in links)


def test_resource_page_of_a_gateway_names_its_vpc(client: FlaskClient,
                                                  net: dict[str, str]) -> None:
    html = page(client, f"/ui/resource/{net['igw']}")
    assert f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}" in hrefs(html)
    assert "attached" in html


def test_every_resource_of_the_examples_has_a_page(ec2: Any, client: FlaskClient,
                                                   world: World) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    for name in ("three_tier", "hub_and_spoke", "peering_triangle"):
        spec = importlib.util.spec_from_file_location(f"web_{name}", examples / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(ec2)
    kinds = set()
    for part in world.partitions():
        if not part.account.isdigit():
            continue                    # the public catalogue: thousands of images
        for kind, ids in list(part.by_kind.items()):
            for rid in list(ids):
                kinds.add(kind)
                html = page(client, f"/ui/resource/{rid}")
                assert rid in html
                if kind == "vpc":
                    assert f'href="/ui/resource/{rid}"' in page(
                        client, f"/ui/{part.account}/{part.region}/{rid}")
        page(client, f"/ui/{part.account}/{part.region}")
    assert {"instance", "volume", "transit-gateway", "vpc-peering-connection"} <= kinds


def test_association_id_leads_to_the_resource_that_holds_it(
        ec2: Any, client: FlaskClient, net: dict[str, str]) -> None:
    rtb = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    assoc = ec2.associate_route_table(RouteTableId=rtb,
                                      SubnetId=net["subnet1"])["AssociationId"]
    answer = client.get(f"/ui/resource/{assoc}")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/ui/resource/{rtb}#{assoc}"
    assert f'id="{assoc}"' in page(client, f"/ui/resource/{rtb}")


# -- escaping -------------------------------------------------------------------------------
def test_tag_values_are_escaped_everywhere(client: FlaskClient, net: dict[str, str]) -> None:
    paths = ["/ui", f"/ui/{ACCOUNT}/{REGION}", f"/ui/{ACCOUNT}/{REGION}/{net['evil']}",
             f"/ui/resource/{net['evil']}"]
    for path in paths:
        html = page(client, path)
        assert "<script>alert" not in html and "<b>key</b>" not in html, path
        assert "&lt;script&gt;alert" in html, path


def test_unknown_ids_in_a_404_page_are_escaped(client: FlaskClient) -> None:
    html = page(client, "/ui/resource/<img src=x onerror=alert(1)>", 404)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# -- 404s -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    "/ui/resource/vpc-0123456789abcdef0",
    "/ui/resource/nonsense",
    f"/ui/{ACCOUNT}/eu-west-3",
    f"/ui/{ACCOUNT}/no-such-region",
    f"/ui/999999999999/{REGION}",
    f"/ui/{ACCOUNT}/{REGION}/vpc-0123456789abcdef0",
])
def test_unknown_things_are_404(client: FlaskClient, net: dict[str, str], path: str) -> None:
    assert "Not found" in page(client, path, 404)


def test_a_vpc_seen_through_the_wrong_region_or_kind_is_404(
        client: FlaskClient, net: dict[str, str], ec2: Any) -> None:
    boto3.client("ec2", region_name="us-west-2").describe_vpcs()   # the partition exists
    page(client, f"/ui/{ACCOUNT}/us-west-2/{net['vpc']}", 404)
    page(client, f"/ui/{ACCOUNT}/{REGION}/{net['subnet1']}", 404)


def test_a_deleted_vpc_is_404(client: FlaskClient, net: dict[str, str], ec2: Any) -> None:
    ec2.delete_vpc(VpcId=net["evil"])
    page(client, f"/ui/{ACCOUNT}/{REGION}/{net['evil']}", 404)
    page(client, f"/ui/resource/{net['evil']}", 404)


def test_pages_never_create_state(client: FlaskClient, world: World) -> None:
    before = [(p.account, p.region) for p in world.partitions()]
    page(client, f"/ui/{ACCOUNT}/ap-south-1", 404)
    page(client, "/ui")
    assert [(p.account, p.region) for p in world.partitions()] == before


# -- drawing does not hold the world ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/ui/123456789012/us-east-1", "/_ec2sim/draw.png"])
def test_the_world_is_free_while_a_diagram_is_drawn(client: FlaskClient, world: World,
                                                    net: dict[str, str], path: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The scene is read under the world's lock and drawn without it: API calls from other
    threads are not held up by a render."""
    import importlib
    import threading

    render_module = importlib.import_module("viz.render")
    draw_scene = render_module.render_scene
    free: list[bool] = []

    def drawing(*args: Any, **kwargs: Any) -> bytes:
        other = threading.Thread(target=lambda: free.append(_try_lock(world)))
        other.start()
        other.join()
        return draw_scene(*args, **kwargs)

    monkeypatch.setattr(render_module, "render_scene", drawing)
    answer = client.get(path)
    assert answer.status_code == 200
    assert free == [True]


def _try_lock(world: World) -> bool:
    if not world.lock.acquire(blocking=False):
        return False
    world.lock.release()
    return True
