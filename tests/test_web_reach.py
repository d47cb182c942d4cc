"""The web page answers reachability and change-impact questions, server-rendered, through
Flask's test client: the form on the region and VPC pages (a path drawn on the diagram, a
blocker marked with its explanation, bad input a 400 with AWS's error), and `/ui/diff`
between two saved snapshots (picked from the `--snapshots` directory or uploaded)."""
from __future__ import annotations

import html as markup
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from flask.testing import FlaskClient

from api import cli, mock_ec2
from api.app import create_app
from topology.core.world import World
from viz import diff_page

ACCOUNT = "123456789012"
REGION = "us-east-1"
AMI = "ami-057c3ffbeeff55523"
SSH = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]


@pytest.fixture
def world() -> Iterator[World]:
    world = World(seed=7)
    with mock_ec2(world):
        yield world


@pytest.fixture
def ec2(world: World) -> Any:
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    directory = tmp_path / "snapshots"
    directory.mkdir()
    return directory


@pytest.fixture
def client(world: World, snapshots: Path) -> FlaskClient:
    return create_app(world, {diff_page.SNAPSHOTS: str(snapshots)}).test_client()


@pytest.fixture
def net(ec2: Any) -> dict[str, Any]:
    """VPC `shop`: instance `web` in one subnet, `db` in another behind a group allowing only
    tcp/22 from the VPC; and an instance of another VPC."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "shop"}])
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]["SubnetId"]
               for n in (1, 2)]
    db_sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db_sg, IpPermissions=SSH)
    web = _instance(ec2, subnets[0], "web")
    db = _instance(ec2, subnets[1], "db", db_sg)
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.9.1.0/24")["Subnet"]
    other = _instance(ec2, other_subnet["SubnetId"], "other")
    return {"vpc": vpc, "web": web, "db": db, "db_sg": db_sg, "other": other,
            "other_vpc": other_vpc}


def _instance(ec2: Any, subnet: str, name: str, group: str | None = None) -> dict[str, Any]:
    instance = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=subnet,
        **({"SecurityGroupIds": [group]} if group else {}),
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]
    return {"id": instance["InstanceId"], "ip": instance["PrivateIpAddress"],
            "eni": instance["NetworkInterfaces"][0]["NetworkInterfaceId"]}


def ask(client: FlaskClient, path: str, status: int = 200, **query: Any) -> str:
    answer = client.get(f"{path}?{urlencode(query)}" if query else path)
    assert answer.status_code == status, (path, query, answer.status_code)
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def panel(html: str, anchor: str = "reach-answer") -> str:
    """The answer's text, tags stripped, entities decoded, spaces folded."""
    start = html.index(f'id="{anchor}"')
    block = html[start:html.index("</div>", start)]
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", block)))


def marked(html: str) -> dict[str, set[str]]:
    """Resource id -> the marks of its link in the diagram (on-path, blocker)."""
    svg = html[html.index("<svg"):html.index("</svg>")]
    return {rid: set(css.split()) - {"resource"} for css, rid in
            re.findall(r'<a href="[^"]*" class="([^"]+)" data-id="([^"]+)"', svg)}


def vpc_page(net: dict[str, Any]) -> str:
    return f"/ui/{ACCOUNT}/{REGION}/{net['vpc']}"


# -- the reachability form ------------------------------------------------------------------
def test_vpc_page_draws_a_path_that_is_found(client: FlaskClient, net: dict[str, Any]) -> None:
    web, db = net["web"]["id"], net["db"]["id"]
    html = ask(client, vpc_page(net), **{"from": web, "to": db, "protocol": "tcp", "port": 22})
    text = panel(html)
    assert f"Reachable: {web} → {db} (tcp port 22)" in text
    # the forward hops in order: the source instance and interface ... the destination's
    forward = html[html.index('<ol class="hops">'):html.index("</ol>")]
    ids = re.findall(r'<a class="id" href="/ui/resource/([^"]+)">', forward)
    assert ids[0] == web and ids[1] == net["web"]["eni"] and ids[-1] == db
    assert net["db_sg"] in ids and "ingress rule of " + net["db_sg"] + " allows tcp port 22" in text
    assert "Return path" in html
    # the diagram: both instances' links are on the path, the drawn hops and the step between
    marks = marked(html)
    assert "on-path" in marks[web] and "on-path" in marks[db]
    assert not any("blocker" in m for m in marks.values())
    assert f'id="hop.1.{web}"' in html and f'id="step.{web}.{db}"' in html
    # the form keeps the question, and offers it the other way round
    assert f'name="from" list="reach-ends" value="{web}"' in html
    reverse = re.search(r'<a class="reverse" href="\?([^"]+)">', html)
    assert reverse is not None
    back = panel(ask(client, f"{vpc_page(net)}?{markup.unescape(reverse[1])}"))
    assert f"Not reachable: {db} → {web} (tcp port 22)" in back     # web's group: no ssh in


def test_blocked_pair_marks_the_blocker_with_its_explanation(client: FlaskClient,
                                                             net: dict[str, Any]) -> None:
    web, db = net["web"]["id"], net["db"]["id"]
    html = ask(client, vpc_page(net), **{"from": web, "to": db, "protocol": "tcp",
                                         "port": 5432})
    text = panel(html)
    assert f"Not reachable: {web} → {db} (tcp port 5432)" in text
    assert "ENI_SG_RULES_MISMATCH: no security group rule allows the traffic" in text
    assert f"blocked at {net['db_sg']} (security group) (ingress)" in text
    assert f'href="/ui/resource/{net["db_sg"]}"' in html
    # the group is not drawn: its interface's instance stands for it, marked as the blocker
    marks = marked(html)
    assert "blocker" in marks[db] and "on-path" in marks[web]
    assert f'id="blocked.{db}"' in html


def test_region_page_answers_an_address_too(client: FlaskClient, net: dict[str, Any]) -> None:
    web, db = net["web"], net["db"]
    html = ask(client, f"/ui/{ACCOUNT}/{REGION}",
               **{"from": web["ip"], "to": db["ip"], "protocol": "tcp", "port": "22"})
    text = panel(html)
    assert f"Reachable: {web['ip']} → {db['ip']} (tcp port 22)" in text
    assert web["eni"] in text and db["eni"] in text
    assert any("on-path" in m for m in marked(html).values())


def test_a_path_across_a_peering_connection_marks_the_connection(
        client: FlaskClient, ec2: Any, net: dict[str, Any]) -> None:
    pcx = ec2.create_vpc_peering_connection(VpcId=net["vpc"], PeerVpcId=net["other_vpc"])[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for vpc, cidr in ((net["vpc"], "10.9.0.0/16"), (net["other_vpc"], "10.0.0.0/16")):
        table = ec2.describe_route_tables(Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
        ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=cidr,
                         VpcPeeringConnectionId=pcx)
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [net["other_vpc"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=default, IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53,
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    web, other = net["web"]["id"], net["other"]["id"]
    html = ask(client, f"/ui/{ACCOUNT}/{REGION}", **{"from": web, "to": other, "protocol": "udp",
                                                     "port": 53})
    assert f"Reachable: {web} → {other} (udp port 53)" in panel(html)
    marks = marked(html)
    assert {"on-path"} <= marks[pcx] and {"on-path"} <= marks[web] and {"on-path"} <= marks[other]
    assert f'id="link.{pcx}"' in html


def test_ipv6_addresses_are_ends_too(client: FlaskClient, ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0][
        "Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.1.1.0/24",
                               Ipv6CidrBlock=block.replace("/56", "/64"))["Subnet"]["SubnetId"]
    a, b = ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, SubnetId=subnet,
                             Ipv6AddressCount=1)["Instances"]
    address = b["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]
    page = f"/ui/{ACCOUNT}/{REGION}/{vpc['VpcId']}"
    html = ask(client, page, **{"from": a["InstanceId"], "to": address, "protocol": "icmp"})
    assert f"Reachable: {a['InstanceId']} → {address} (icmp)" in panel(html)
    assert b["NetworkInterfaces"][0]["NetworkInterfaceId"] in panel(html)
    # the internet's IPv6 without a gateway: the route table has no route there
    html = ask(client, page, **{"from": a["InstanceId"], "to": "2600:1f18::5", "port": 443})
    text = panel(html)
    assert "NO_ROUTE_TO_DESTINATION: no route leads to the destination" in text
    assert any("blocker" in m for m in marked(html).values())


def test_udp_and_icmp_are_asked_as_such(client: FlaskClient, net: dict[str, Any]) -> None:
    web, db = net["web"]["id"], net["db"]["id"]
    udp = panel(ask(client, vpc_page(net), **{"from": web, "to": db, "protocol": "udp",
                                              "port": 22}))
    assert f"Not reachable: {web} → {db} (udp port 22)" in udp
    assert "ENI_SG_RULES_MISMATCH" in udp
    icmp = panel(ask(client, vpc_page(net), **{"from": web, "to": db, "protocol": "icmp"}))
    assert f"{web} → {db} (icmp)" in icmp


def test_the_form_offers_the_pages_instances_and_interfaces(
        client: FlaskClient, net: dict[str, Any]) -> None:
    html = ask(client, vpc_page(net))
    assert 'id="reach-answer"' not in html          # no question, no answer
    datalist = html[html.index('<datalist id="reach-ends">'):html.index("</datalist>")]
    offered = dict(re.findall(r'<option value="([^"]+)">([^<]*)</option>', datalist))
    for name in ("web", "db"):
        assert offered[net[name]["id"]] == f"instance · {name} · {net[name]['ip']}"
        assert net[name]["eni"] in offered
    assert net["other"]["id"] not in offered        # another VPC's
    region = ask(client, f"/ui/{ACCOUNT}/{REGION}")
    assert f'<option value="{net["other"]["id"]}">' in region


def test_an_internet_gateway_is_offered_and_asked_from(client: FlaskClient, ec2: Any,
                                                       net: dict[str, Any]) -> None:
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=net["vpc"])
    html = ask(client, vpc_page(net))
    assert f'<option value="{igw}">internet-gateway</option>' in html
    # web has no public address: the gateway has nothing to send it to
    html = ask(client, vpc_page(net), **{"from": igw, "to": net["web"]["id"], "port": 22})
    text = panel(html)
    assert f"Not reachable: {igw} → {net['web']['id']} (tcp port 22)" in text
    assert re.search(r"[A-Z_]{8,}: ", text)              # an AWS explanation code, explained


@pytest.mark.parametrize("query, code, message", [
    ({"from": "i-0123456789abcdef0", "to": "WEB"}, "InvalidInstanceID.NotFound",
     "i-0123456789abcdef0"),
    ({"from": "WEB", "to": "eni-0123456789abcdef0"}, "InvalidNetworkInterfaceID.NotFound",
     "eni-0123456789abcdef0"),
    ({"from": "WEB", "to": "DB", "port": "99999"}, "InvalidParameterValue",
     "Value (99999) for parameter port is invalid"),
    ({"from": "WEB", "to": "DB", "port": "ssh"}, "InvalidParameterValue",
     "Value (ssh) for parameter port is invalid"),
    ({"from": "WEB", "to": "DB", "protocol": "gre"}, "InvalidParameterValue",
     "Value (gre) for parameter protocol is invalid"),
    ({"from": "WEB"}, "MissingParameter", "parameter to"),
    ({"to": "DB"}, "MissingParameter", "parameter from"),
    ({"from": "10.0.7.7", "to": "DB"}, "InvalidParameterValue", "a source must be a resource"),
    ({"from": "<script>alert(1)</script>", "to": "DB"}, "InvalidParameterValue",
     "<script>alert(1)</script>"),
])
def test_bad_input_is_a_400_with_awss_error_on_the_page(
        client: FlaskClient, net: dict[str, Any], query: dict[str, str], code: str,
        message: str) -> None:
    ends = {"WEB": net["web"]["id"], "DB": net["db"]["id"]}
    query = {k: ends.get(v, v) for k, v in query.items()}
    for path in (vpc_page(net), f"/ui/{ACCOUNT}/{REGION}"):
        html = ask(client, path, 400, **query)
        assert "<script>alert(1)</script>" not in html          # escaped, never markup
        text = panel(html)
        assert f"{code}: " in text and message in text, text
        assert "<svg" in html and not any(marked(html).values())   # the diagram, unmarked


def test_the_form_never_changes_the_world(client: FlaskClient, net: dict[str, Any],
                                          world: World) -> None:
    before = world.graph.number_of_nodes(), world.graph.number_of_edges()
    ask(client, vpc_page(net), **{"from": net["web"]["id"], "to": net["db"]["id"], "port": 22})
    ask(client, vpc_page(net), 400, **{"from": "i-0123456789abcdef0", "to": "x"})
    assert (world.graph.number_of_nodes(), world.graph.number_of_edges()) == before


# -- change impact -----------------------------------------------------------------------------
def save(client: FlaskClient, path: Path) -> Path:
    """The served world's snapshot to `path`, as `ec2sim snapshot save` fetches it."""
    path.write_bytes(client.get("/_ec2sim/state").data)
    return path


@pytest.fixture
def change(client: FlaskClient, ec2: Any, net: dict[str, Any], snapshots: Path
           ) -> dict[str, Any]:
    """web moves to a group of its own; before, db's group accepts ssh from the VPC and web's
    nothing; after, the other way round: ssh web -> db closed, db -> web opened."""
    web_sg = ec2.create_security_group(GroupName="web", Description="web",
                                       VpcId=net["vpc"])["GroupId"]
    ec2.modify_instance_attribute(InstanceId=net["web"]["id"], Groups=[web_sg])
    save(client, snapshots / "before.json")
    # the change: db's group stops accepting ssh, web's group starts
    ec2.revoke_security_group_ingress(GroupId=net["db_sg"], IpPermissions=SSH)
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=SSH)
    save(client, snapshots / "after.json")
    return {"web_sg": web_sg, "db_sg": net["db_sg"]}


def flows(html: str) -> list[dict[str, str]]:
    rows = re.findall(r'<tr class="flow (\w+)" data-change="\w+" data-source="([^"]+)" '
                      r'data-destination="([^"]+)">(.*?)</tr>', html, re.S)
    return [{"change": c, "source": s, "destination": d,
             "text": re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", row)))}
            for c, s, d, row in rows]


def test_diff_page_lists_the_snapshots_and_compares_two(
        client: FlaskClient, change: dict[str, Any]) -> None:
    html = ask(client, "/ui/diff")
    assert '<option value="before.json"' in html and '<option value="after.json"' in html
    assert 'id="diff-answer"' not in html
    html = ask(client, "/ui/diff", before="before.json", after="after.json", port=22,
               kind="security-group")
    assert "before.json → after.json (tcp 22): 1 opened, 1 closed" in panel(html, "diff-answer")
    found = {(f["change"], f["source"], f["destination"]): f["text"] for f in flows(html)}
    web_sg, db_sg = change["web_sg"], change["db_sg"]
    opened = found[("opened", db_sg, web_sg)]
    closed = found[("closed", web_sg, db_sg)]
    # each with the code and component that block it on its closed side, the open side's path
    assert f"before: ENI_SG_RULES_MISMATCH no security group rule allows the traffic, at {web_sg}" \
        in opened
    assert f"after: ENI_SG_RULES_MISMATCH no security group rule allows the traffic, at {db_sg}" \
        in closed
    assert re.search(rf"after: i-\w+ → eni-\w+ → {db_sg} → .* → {web_sg} → eni-\w+ → i-\w+",
                     opened)
    assert re.search(rf"before: i-\w+ → eni-\w+ → {web_sg} → .* → {db_sg} → eni-\w+ → i-\w+",
                     closed)
    # grouped as routing.diff groups them: kind, VPCs of the ends, protocol and ports
    assert re.search(r"security-group\s*<span class=\"id\">vpc-[^<]+</span> → "
                     r"<span class=\"id\">vpc-[^<]+</span>\s*<span class=\"muted\">tcp 22</span>",
                     html)


def test_diff_page_takes_port_ranges_and_names_the_range_that_changed(
        client: FlaskClient, change: dict[str, Any]) -> None:
    html = ask(client, "/ui/diff", before="before.json", after="after.json",
               port="20-25, 443", kind="security-group")
    assert "(tcp 20-25, 443): 1 opened, 1 closed" in panel(html, "diff-answer")
    assert {f["change"] for f in flows(html)} == {"opened", "closed"}
    assert '<span class="muted">tcp 22</span>' in html       # only port 22 changed
    every = ask(client, "/ui/diff", before="before.json", after="after.json")
    assert "(tcp all): " in panel(every, "diff-answer") and flows(every)
    # the rules name IPv4 ranges only: over IPv6 nothing changed
    six = ask(client, "/ui/diff", before="before.json", after="after.json", ip_version="6")
    assert "(tcp all, IPv6): no change" in panel(six, "diff-answer") and not flows(six)


def test_diff_page_compares_two_uploaded_snapshots(
        client: FlaskClient, change: dict[str, Any], snapshots: Path) -> None:
    answer = client.post("/ui/diff", content_type="multipart/form-data", data={
        "before": ((snapshots / "before.json").open("rb"), "monday.json"),
        "after": ((snapshots / "after.json").open("rb"), "tuesday.json"),
        "port": "22", "kind": "all"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "monday.json → tuesday.json (tcp 22)" in panel(html, "diff-answer")
    changes = {(f["change"], f["source"], f["destination"]) for f in flows(html)}
    assert ("opened", change["db_sg"], change["web_sg"]) in changes
    assert ("closed", change["web_sg"], change["db_sg"]) in changes


def test_diff_of_a_state_with_itself_is_no_change(client: FlaskClient,
                                                  change: dict[str, Any]) -> None:
    html = ask(client, "/ui/diff", before="after.json", after="after.json")
    assert "no change" in panel(html, "diff-answer") and not flows(html)


@pytest.mark.parametrize("query, code, message", [
    ({"before": "before.json", "after": "nope.json"}, "InvalidParameterValue",
     "No snapshot named nope.json"),
    ({"before": "../before.json", "after": "after.json"}, "InvalidParameterValue",
     "No snapshot named ../before.json"),
    ({"before": "/etc/passwd", "after": "after.json"}, "InvalidParameterValue",
     "No snapshot named /etc/passwd"),
    ({"before": "before.json", "after": "junk.json"}, "InvalidState", "not JSON"),
    ({"before": "before.json", "after": "other.json"}, "InvalidState",
     "not an ec2sim state snapshot"),
    ({"before": "before.json"}, "MissingParameter", "parameter after"),
    ({"before": "before.json", "after": "after.json", "port": "70000"},
     "InvalidParameterValue", "Value (70000) for parameter port is invalid"),
    ({"before": "before.json", "after": "after.json", "port": "22, 30-20"},
     "InvalidParameterValue", "Value (30-20) for parameter port is invalid"),
    ({"before": "before.json", "after": "after.json", "ip_version": "5"},
     "InvalidParameterValue", "Value (5) for parameter ip_version is invalid"),
    ({"before": "before.json", "after": "after.json", "kind": "vpc"},
     "InvalidParameterValue", "Value (vpc) for parameter kind is invalid"),
    ({"before": "before.json", "after": "after.json", "protocol": "gre"},
     "InvalidParameterValue", "Value (gre) for parameter protocol is invalid"),
])
def test_diff_bad_input_is_a_400_with_the_error(
        client: FlaskClient, change: dict[str, Any], snapshots: Path, query: dict[str, str],
        code: str, message: str) -> None:
    (snapshots / "junk.json").write_text("{not json")
    (snapshots / "other.json").write_text('{"nodes": []}')
    text = panel(ask(client, "/ui/diff", 400, **query), "diff-answer")
    assert f"{code}: " in text and message in text, text


def test_diff_upload_needs_both_files(client: FlaskClient, change: dict[str, Any],
                                      snapshots: Path) -> None:
    answer = client.post("/ui/diff", content_type="multipart/form-data", data={
        "before": ((snapshots / "before.json").open("rb"), "before.json")})
    assert answer.status_code == 400
    assert "MissingParameter: The request must contain the parameter after" in panel(
        answer.get_data(as_text=True), "diff-answer")
    broken = client.post("/ui/diff", content_type="multipart/form-data", data={
        "before": ((snapshots / "before.json").open("rb"), "before.json"),
        "after": (open(__file__, "rb"), "test.py")})
    assert broken.status_code == 400
    assert "InvalidState: cannot load test.py" in panel(broken.get_data(as_text=True),
                                                         "diff-answer")


def test_diff_upload_too_large_is_a_413(client: FlaskClient, change: dict[str, Any],
                                       snapshots: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_page, "MAX_UPLOAD", 1000)
    answer = client.post("/ui/diff", content_type="multipart/form-data", data={
        side: ((snapshots / f"{side}.json").open("rb"), f"{side}.json")
        for side in ("before", "after")})
    assert answer.status_code == 413
    assert "RequestEntityTooLarge" in panel(answer.get_data(as_text=True), "diff-answer")


def test_diff_without_a_snapshots_directory_offers_uploads(world: World, net: dict[str, Any]
                                                          ) -> None:
    client = create_app(world).test_client()
    html = ask(client, "/ui/diff")
    assert "ec2sim serve --snapshots DIR" in html and 'enctype="multipart/form-data"' in html
    text = panel(ask(client, "/ui/diff", 400, before="a.json", after="b.json"), "diff-answer")
    assert "InvalidParameterValue: The server lists no snapshots" in text


def test_index_links_the_diff_page(client: FlaskClient) -> None:
    assert 'href="/ui/diff"' in ask(client, "/ui")


def test_serve_refuses_a_snapshots_directory_that_is_not_one(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    assert cli.main(["serve", "--port", "18299", "--snapshots", str(tmp_path / "none")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_diff_page_escapes_names_and_tags(client: FlaskClient, ec2: Any, net: dict[str, Any],
                                          snapshots: Path) -> None:
    evil = '<script>alert("x")</script>'
    ec2.create_tags(Resources=[net["db_sg"]], Tags=[{"Key": "tier", "Value": evil}])
    save(client, snapshots / "before.json")
    ec2.revoke_security_group_ingress(GroupId=net["db_sg"], IpPermissions=SSH)
    answer = client.post("/ui/diff", content_type="multipart/form-data", data={
        "before": ((snapshots / "before.json").open("rb"), f"{evil}.json"),
        "after": (io.BytesIO(client.get("/_ec2sim/state").data), "after.json"),
        "kind": "security-group"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and flows(html)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(") >= 2       # the file's name, the class's tags
    assert "[tier=&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;]" in html
