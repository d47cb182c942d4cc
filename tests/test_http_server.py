"""`ec2sim serve`'s HTTP server (api/http_server.py) as clients meet it: keep-alive, chunked
bodies, `Expect: 100-continue`, HTTP/1.0, HEAD, pipelining, and bad requests."""
from __future__ import annotations

import http.client
import socket
import time
from typing import Any

import pytest

from tests.conftest import server_client

QUERY = b"Action=DescribeVpcs&Version=2016-11-15"
FORM = b"Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _answers(sock: socket.socket, count: int = 1) -> list[tuple[bytes, dict[str, str], bytes]]:
    """Read `count` answers off `sock`: (status line, headers, body) each."""
    reader = sock.makefile("rb")
    out = []
    for _ in range(count):
        status = reader.readline().rstrip()
        headers = {}
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        out.append((status, headers, reader.read(int(headers.get("content-length", 0)))))
    return out


def _closed(sock: socket.socket) -> bool:
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_one_connection_carries_many_requests(server_url: str) -> None:
    conn = http.client.HTTPConnection(*_address(server_url), timeout=10)
    answers = []
    for _ in range(3):
        conn.request("POST", "/", body=QUERY,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        first = conn.sock
        answer = conn.getresponse()
        answers.append((answer.status, answer.getheader("Content-Length"), answer.read()))
        assert conn.sock is first   # not reopened
    conn.close()
    assert [status for status, _, _ in answers] == [200, 200, 200]
    assert all(int(length) == len(body) and b"<DescribeVpcsResponse" in body
               for _, length, body in answers)


def test_answers_carry_date_and_server(server_url: str) -> None:
    answer = server_client(server_url).describe_vpcs()["ResponseMetadata"]["HTTPHeaders"]
    assert answer["server"] == "ec2sim"
    assert answer["date"].endswith(" GMT")


def test_a_chunked_body_is_read(server_url: str) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" + FORM +
                     b"\r\n" + b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part)
                                        for part in (QUERY[:10], QUERY[10:]))
                     + b"0\r\nTrailer: x\r\n\r\n")
        [(status, _, body)] = _answers(sock)
    assert status == b"HTTP/1.1 200 OK"
    assert b"<DescribeVpcsResponse" in body


def test_expect_100_continue_is_answered_before_the_body(server_url: str) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" + FORM +
                     b"Content-Length: %d\r\n\r\n" % len(QUERY))
        interim = sock.recv(25)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(QUERY)
        [(status, _, body)] = _answers(sock)
    assert status == b"HTTP/1.1 200 OK" and b"<DescribeVpcsResponse" in body


def test_pipelined_requests_are_answered_in_order(server_url: str) -> None:
    create = b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0/16"
    request = (b"POST / HTTP/1.1\r\nHost: x\r\n" + FORM + b"Content-Length: %d\r\n\r\n%s")
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(request % (len(create), create) + request % (len(QUERY), QUERY))
        (first, _, made), (second, _, listed) = _answers(sock, 2)
    assert first == second == b"HTTP/1.1 200 OK"
    vpc = made.split(b"<vpcId>")[1].split(b"</vpcId>")[0]
    assert b"<vpcId>" + vpc + b"</vpcId>" in listed


@pytest.mark.parametrize("request_line, extra", [
    (b"POST / HTTP/1.0", b""),                       # 1.0: one request per connection
    (b"POST / HTTP/1.1", b"Connection: close\r\n"),  # asked to close
])
def test_the_connection_closes_when_asked(server_url: str, request_line: bytes,
                                          extra: bytes) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(request_line + b"\r\nHost: x\r\n" + extra + FORM +
                     b"Content-Length: %d\r\n\r\n%s" % (len(QUERY), QUERY))
        [(status, headers, body)] = _answers(sock)
        assert status.endswith(b" 200 OK") and b"<DescribeVpcsResponse" in body
        assert headers["connection"] == "close"
        assert _closed(sock)


def test_head_answers_headers_only(server_url: str) -> None:
    conn = http.client.HTTPConnection(*_address(server_url), timeout=10)
    conn.request("HEAD", "/")
    answer = conn.getresponse()
    assert answer.status == 200 and int(answer.getheader("Content-Length")) > 0
    assert answer.read() == b""
    conn.request("GET", "/")   # the same connection goes on: no body was left on it
    assert b'"status"' in conn.getresponse().read()
    conn.close()


@pytest.mark.parametrize("sent, code", [
    (b"NONSENSE\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", b"501"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
    (b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"a" * 300_000 + b"\r\n\r\n", b"431"),
])
def test_bad_requests_get_a_4xx_and_the_server_goes_on(server_url: str, sent: bytes,
                                                        code: bytes) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        try:
            sock.sendall(sent)
        except (BrokenPipeError, ConnectionResetError):
            pass
        [(status, headers, _)] = _answers(sock)
        assert status.split(b" ")[1] == code
        assert headers["connection"] == "close"
    assert server_client(server_url).describe_vpcs()["Vpcs"]


def test_a_header_name_with_an_underscore_is_dropped(server_url: str) -> None:
    """`X_Amz_Target` must not pass for `X-Amz-Target` (it would turn a Query request into
    one of the JSON protocol)."""
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX_Amz_Target: AmazonSSM.GetParameter\r\n"
                     + FORM + b"Content-Length: %d\r\n\r\n%s" % (len(QUERY), QUERY))
        [(status, _, body)] = _answers(sock)
    assert status == b"HTTP/1.1 200 OK" and b"<DescribeVpcsResponse" in body


def test_a_client_leaving_inside_its_body_harms_no_one(server_url: str) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n" + FORM +
                     b"Content-Length: 1000\r\n\r\nAction=Desc")
    ec2: Any = server_client(server_url)
    assert ec2.describe_vpcs()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_a_head_arriving_in_pieces_or_with_bare_line_feeds_is_read(server_url: str) -> None:
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.2)   # the server has read part of the head and waits for the rest
        sock.sendall(FORM + b"Content-Length: %d\r\n\r\n%s" % (len(QUERY), QUERY))
        sock.sendall(b"POST / HTTP/1.1\nHost: x\nContent-Type: application/x-www-form-urlencoded"
                     b"\nContent-Length: %d\n\n%s" % (len(QUERY), QUERY))
        answers = _answers(sock, 2)
    assert [status for status, _, _ in answers] == [b"HTTP/1.1 200 OK"] * 2
    assert all(b"<DescribeVpcsResponse" in body for _, _, body in answers)


def test_a_bare_line_feed_inside_a_crlf_head_is_refused(server_url: str) -> None:
    """A header value may not smuggle a line of its own."""
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\nX-Amz-Target: AmazonSSM.GetParameter\r\n\r\n")
        [(status, _, _)] = _answers(sock)
    assert status.split(b" ")[1] == b"400"


def test_a_bare_lf_head_before_a_body_holding_crlfcrlf_is_read_as_a_head(server_url: str) -> None:
    body = QUERY + b"&Filter.1.Name=tag:x&Filter.1.Value.1=a%0D%0A%0D%0Ab\r\n\r\n"
    with socket.create_connection(_address(server_url), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\nHost: x\nContent-Type: application/x-www-form-urlencoded"
                     b"\nContent-Length: %d\n\n%s" % (len(body), body))
        [(status, _, answer)] = _answers(sock)
    assert status == b"HTTP/1.1 200 OK" and b"<DescribeVpcsResponse" in answer
