"""The web page in a real headless Chromium against a real `ec2sim serve`.

Chromium is driven through the DevTools protocol over `--remote-debugging-pipe` (JSON
messages ending in NUL on file descriptors 3 and 4), so the standard library is all it takes:
no port to find, no websocket client. The test opens `/` as a browser would, checks the
VPCs are listed, clicks through to a VPC view, checks its inline SVG holds the subnets,
clicks a subnet in the diagram, and saves a screenshot of the VPC view to
`$EC2SIM_ARTIFACTS` (default `tests/artifacts/`, kept out of git). Then the page answers:
the reachability form on a VPC view draws a path and marks a blocker, and the change-impact
page compares two snapshots saved into the server's `--snapshots` directory.

Skipped, saying why, only when no Chromium binary is installed (`.ci/run` installs Debian's).
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from api import cli
from helpers import server_client

pytestmark = pytest.mark.server

BINARIES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe")
WIDTH, HEIGHT = 1280, 900
TIMEOUT = 60.0          # seconds for any one step (two shared cores, a cold browser)
ARTIFACTS = Path(os.environ.get("EC2SIM_ARTIFACTS") or Path(__file__).parent / "artifacts")


def chromium_binary() -> str | None:
    named = os.environ.get("EC2SIM_CHROMIUM")
    return named or next((path for b in BINARIES if (path := shutil.which(b))), None)


class DevTools:
    """A minimal DevTools protocol client for one page of a Chromium on a pipe."""

    def __init__(self, binary: str, profile: str, log: Any) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4: bash puts them there
        # (dash takes only one-digit descriptors in redirections)
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser}', binary, *FLAGS,
             f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def start(self) -> None:
        """Open a page and attach to it (raises if Chromium does not come up)."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=WIDTH,
                  height=HEIGHT, deviceScaleFactor=1, mobile=False)

    # -- the protocol --------------------------------------------------------------------
    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == message["id"]:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result
            self.events.append(answer)

    def wait_for(self, event: str) -> dict[str, Any]:
        """The first `event` since the events were last cleared."""
        while True:
            for n, seen in enumerate(self.events):
                if seen.get("method") == event:
                    del self.events[:n + 1]
                    return seen
            self.events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    # -- the page ------------------------------------------------------------------------
    def open(self, url: str) -> None:
        self.events.clear()
        answer = self.call("Page.navigate", session=True, url=url)
        assert "errorText" not in answer, answer
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def click(self, selector: str) -> None:
        """Click `selector` with the mouse, where the element really is on top, and wait for
        the page it leads to."""
        point = self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: "center"}});
            const r = el.getBoundingClientRect();
            for (const [fx, fy] of [[.5, .5], [.25, .5], [.75, .5], [.5, .25], [.5, .75]]) {{
                const x = r.left + r.width * fx, y = r.top + r.height * fy;
                const hit = document.elementFromPoint(x, y);
                if (hit && (hit === el || el.contains(hit))) return [x, y];
            }}
            return null;
        }})()""")
        assert point is not None, f"{selector} is hidden under other elements"
        self.events.clear()
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=point[0],
                      y=point[1], button="left", clickCount=1)
        self.wait_for("Page.loadEventFired")

    def screenshot(self) -> bytes:
        """The whole page as PNG."""
        size = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        data = self.call("Page.captureScreenshot", session=True, format="png", clip=clip,
                         captureBeyondViewport=True)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError, TimeoutError):
            pass
        finally:
            os.close(self._write)
            os.close(self._read)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium binary (install Debian's: apt-get install chromium; "
                    "or name one in EC2SIM_CHROMIUM)")
    with tempfile.TemporaryFile() as log:
        devtools = DevTools(binary, str(tmp_path / "profile"), log)
        try:
            try:
                devtools.start()
            except (OSError, RuntimeError, TimeoutError) as exc:
                log.seek(0)
                raise RuntimeError(f"Chromium did not start: {exc}\n"
                                   f"{log.read().decode(errors='replace')[-3000:]}") from exc
            yield devtools
        finally:
            devtools.close()


def save_artifact(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")         # test output, never committed
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def test_page_in_a_real_browser(browser: DevTools, server_ec2: Any, server_url: str) -> None:
    ec2 = server_ec2
    vpcs, subnets = {}, {}
    for name, octet in (("web", 10), ("data", 20)):
        vpcs[name] = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
        subnets[name] = [ec2.create_subnet(
            VpcId=vpcs[name], CidrBlock=f"10.{octet}.{n}.0/24", TagSpecifications=[
                {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"{name}-{n}"}]}]
        )["Subnet"]["SubnetId"] for n in (1, 2, 3)]
    # tag values that would run script if the page (or its inline SVG) did not escape them
    hostile = '<img src=x onerror="window.pwned=1">'
    ec2.create_tags(Resources=[vpcs["data"], subnets["data"][0]],
                    Tags=[{"Key": "Name", "Value": hostile}])

    # `/` in a browser is the page
    browser.open(server_url + "/")
    assert browser.js("location.pathname") == "/ui"
    listed = browser.js("[...document.querySelectorAll('a')].map(a => a.textContent.trim())")
    assert set(vpcs.values()) <= set(listed)
    assert "10.20.0.0/16" in browser.js("document.body.innerText")
    save_artifact("index.png", browser.screenshot())

    # follow the link to the web VPC's view: its diagram holds its subnets, not the others
    browser.click(f'a[href$="/{vpcs["web"]}"]')
    assert browser.js("location.pathname").endswith(f"/{vpcs['web']}")
    drawn = browser.js("[...document.querySelectorAll('#diagram svg a.resource')]"
                       ".map(a => a.dataset.id)")
    assert set(subnets["web"]) <= set(drawn)
    assert not set(subnets["data"]) & set(drawn)
    tooltip = browser.js(f"document.querySelector('#diagram svg a[data-id=\"{subnets['web'][0]}\"]"
                         f" title').textContent")
    assert "10.10.1.0/24" in tooltip and "web-1" in tooltip
    shot = save_artifact("vpc-view.png", browser.screenshot())
    with Image.open(shot) as image:
        image.load()
        assert image.width >= WIDTH * 0.9 and image.height >= HEIGHT * 0.5
        assert image.getcolors(maxcolors=8) is None     # more than 8 colours: not blank

    # a subnet in the diagram is a link to its page
    browser.click(f'#diagram svg a[data-id="{subnets["web"][1]}"]')
    assert browser.js("location.pathname") == f"/ui/resource/{subnets['web'][1]}"
    assert "10.10.2.0/24" in browser.js("document.body.innerText")

    # the hostile names are shown as text, in the tables and the diagram, and never ran
    for path in ("/ui", f"/ui/123456789012/us-east-1/{vpcs['data']}",
                 f"/ui/resource/{subnets['data'][0]}"):
        browser.open(server_url + path)
        assert hostile in browser.js("document.body.innerText"), path
        assert browser.js("document.querySelectorAll('img').length") == 0, path
        assert browser.js("window.pwned === undefined"), path
        if "/us-east-1/" in path:
            assert hostile in browser.js("document.querySelector('#diagram svg').textContent")


# -- the page answers: reachability on the diagram, change impact between snapshots ------------
SSH = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]


def shop(ec2: Any) -> dict[str, str]:
    """VPC `shop`: instance `web` in one subnet, `db` in another behind a group that accepts
    only tcp/22 from the VPC."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24")["Subnet"]["SubnetId"]
               for n in (1, 2)]
    db_sg = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db_sg, IpPermissions=SSH)
    ids = {}
    for name, subnet, groups in (("web", subnets[0], {}), ("db", subnets[1],
                                                          {"SecurityGroupIds": [db_sg]})):
        ids[name] = ec2.run_instances(
            ImageId="ami-057c3ffbeeff55523", MinCount=1, MaxCount=1, SubnetId=subnet,
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": name}]}],
            **groups)["Instances"][0]["InstanceId"]
    return {"vpc": vpc, "db_sg": db_sg, **ids}


def submit(browser: DevTools, form: str, values: dict[str, str]) -> None:
    """Fill the form's fields as a user would leave them, then click its button."""
    browser.js(f"""(() => {{
        const form = document.querySelector({json.dumps(form)});
        for (const [name, value] of Object.entries({json.dumps(values)})) {{
            form.elements[name].value = value;
        }}
    }})()""")
    browser.click(f"{form} button[type=submit]")


def marked(browser: DevTools, css: str) -> list[str]:
    return browser.js(f"[...document.querySelectorAll('#diagram svg a.{css}')]"
                      ".map(a => a.dataset.id)")


def test_the_form_draws_the_path_and_marks_the_blocker(browser: DevTools, server_ec2: Any,
                                                       server_url: str) -> None:
    net = shop(server_ec2)
    browser.open(f"{server_url}/ui/123456789012/us-east-1/{net['vpc']}")
    # the datalist offers the VPC's instances by name
    offered = browser.js("[...document.querySelectorAll('#reach-ends option')]"
                         ".map(o => o.value + ' ' + o.textContent)")
    assert any(o.startswith(f"{net['web']} instance · web · 10.0.1.") for o in offered)

    submit(browser, "form#reach", {"from": net["web"], "to": net["db"], "protocol": "tcp",
                                   "port": "22"})
    assert browser.js("new URLSearchParams(location.search).get('port')") == "22"
    answer = browser.js("document.querySelector('#reach-answer').innerText")
    assert answer.startswith(f"Reachable: {net['web']} → {net['db']} (tcp port 22)")
    assert sorted(marked(browser, "on-path")) == sorted([net["web"], net["db"]])
    assert marked(browser, "blocker") == []
    # the path is drawn over the diagram: a box per hop and an arrow between them
    assert browser.js("document.querySelectorAll('#diagram svg g.hop').length") == 2
    assert browser.js("document.querySelectorAll('#diagram svg g.step').length") == 1
    save_artifact("reach-path.png", browser.screenshot())

    submit(browser, "form#reach", {"port": "5432"})      # the same ends, another port
    answer = browser.js("document.querySelector('#reach-answer').innerText")
    assert answer.startswith(f"Not reachable: {net['web']} → {net['db']} (tcp port 5432)")
    assert "ENI_SG_RULES_MISMATCH: no security group rule allows the traffic" in answer
    assert net["db_sg"] in answer
    assert marked(browser, "blocker") == [net["db"]]
    assert marked(browser, "on-path") == [net["web"]]
    assert browser.js("document.querySelector('#diagram svg g.blocked').textContent"
                      ).count("ENI_SG_RULES_MISMATCH") == 1
    save_artifact("reach-blocked.png", browser.screenshot())


def test_the_diff_page_lists_opened_and_closed_flows(browser: DevTools, tmp_path: Path,
                                                     start_server: Any) -> None:
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    url = start_server("--snapshots", str(snapshots))
    ec2 = server_client(url)
    net = shop(ec2)
    web_sg = ec2.create_security_group(GroupName="web", Description="web",
                                       VpcId=net["vpc"])["GroupId"]
    ec2.modify_instance_attribute(InstanceId=net["web"], Groups=[web_sg])
    assert cli.main(["snapshot", "save", str(snapshots / "before.json"), "--endpoint-url",
                     url]) == 0
    ec2.revoke_security_group_ingress(GroupId=net["db_sg"], IpPermissions=SSH)
    ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=SSH)
    assert cli.main(["snapshot", "save", str(snapshots / "after.json"), "--endpoint-url",
                     url]) == 0

    browser.open(url + "/ui")
    browser.click("a#diff-link")
    submit(browser, "form#diff-saved", {"before": "before.json", "after": "after.json",
                                        "port": "22", "kind": "security-group"})
    answer = browser.js("document.querySelector('#diff-answer').innerText")
    assert "before.json → after.json (tcp 22): 1 opened, 1 closed" in answer
    rows = browser.js("[...document.querySelectorAll('tr.flow')].map(r => "
                      "[r.dataset.change, r.dataset.source, r.dataset.destination, r.innerText])")
    found = {(change, src, dst): text for change, src, dst, text in rows}
    assert set(found) == {("opened", net["db_sg"], web_sg), ("closed", web_sg, net["db_sg"])}
    assert f"ENI_SG_RULES_MISMATCH no security group rule allows the traffic, at {web_sg}" in \
        found[("opened", net["db_sg"], web_sg)]
    assert f"ENI_SG_RULES_MISMATCH no security group rule allows the traffic, at {net['db_sg']}" \
        in found[("closed", web_sg, net["db_sg"])]
    assert net["db"] in found[("opened", net["db_sg"], web_sg)]      # the open side's path
    save_artifact("diff.png", browser.screenshot())
