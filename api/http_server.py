"""The HTTP/1.1 server of `ec2sim serve`: a thread per connection, the request read and the
answer written on that one thread.

Chosen by measurement (`benchmarks/http_servers.py`): SDK clients keep one connection alive and
send one request at a time, so what a call costs is the server's latency, not its throughput.
Servers that hand each request from an I/O loop to a pool of workers (waitress, cheroot,
gunicorn's threads) pay two thread switches per request — about a quarter of a boto3 call
through them. Here the connection's thread parses the request with the C-level `readline`
of a buffered socket, runs the app, and writes head and body with one `sendall`.

What it speaks: HTTP/1.1 keep-alive (HTTP/1.0 closes after each answer), `Content-Length`
and chunked request bodies, `Expect: 100-continue`, HEAD, answers with or without a length
(without one, the body is collected to give it one). Bad requests get 400 (431 for a head
over `MAX_HEAD`, 413 for a body over `MAX_BODY`, 501 for a transfer coding it cannot read) and
the connection is closed. At most `threads` requests run the app at once; connections past
`MAX_CONNECTIONS` wait to be accepted.
"""
from __future__ import annotations

import io
import queue
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_HEAD = 256 * 1024          # request line + headers (waitress's default)
MAX_HEADERS = 200
MAX_BODY = 1 << 30             # a request body larger than 1 GiB is refused
MAX_DRAIN = 64 << 20           # the most of a body the app did not read that is read past
MAX_CONNECTIONS = 1000        # a test suite may leave hundreds of clients with open pools
IDLE_TIMEOUT = 120.0           # seconds a kept-alive connection may wait for its next request
SERVER = "ec2sim"


class BadRequest(Exception):
    """A request the server cannot read: answered with `status`, then the connection closes."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class Server:
    """Serve a WSGI app on (host, port): `serve_forever` runs until Ctrl-C or a signal."""

    def __init__(self, app: WsgiApp, host: str, port: int, *, threads: int = 8) -> None:
        self.app = app
        # requests in the app at once: tokens in a queue (C code; a Semaphore is Python)
        self.running: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(max(1, threads)):
            self.running.put(None)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.socket = _listen(host, port)
        self.host, self.port = self.socket.getsockname()[:2]

    def serve_forever(self) -> None:
        try:
            while True:
                self.slots.acquire()
                try:
                    conn, peer = self.socket.accept()
                except OSError as err:
                    self.slots.release()
                    print(f"ec2sim: accept failed: {err}", file=sys.stderr)   # e.g. EMFILE
                    time.sleep(0.05)
                    continue
                try:
                    threading.Thread(target=self._connection, args=(conn, peer), daemon=True,
                                     name=f"http {peer[0]}:{peer[1]}").start()
                except RuntimeError:   # no thread to be had: this client is turned away
                    conn.close()
                    self.slots.release()
        except KeyboardInterrupt:
            pass
        finally:
            self.socket.close()

    def _connection(self, conn: socket.socket, peer: tuple[Any, ...]) -> None:
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.settimeout(IDLE_TIMEOUT)
            Connection(self, conn, peer).run()
        except (OSError, ValueError):   # the peer went away or timed out
            pass
        finally:
            conn.close()
            self.slots.release()


class Connection:
    """One client connection: requests read and answered in turn."""

    def __init__(self, server: Server, conn: socket.socket, peer: tuple[Any, ...]) -> None:
        self.server, self.conn = server, conn
        self.rfile = conn.makefile("rb", 65536)
        self.base = {"SERVER_NAME": str(server.host), "SERVER_PORT": str(server.port),
                     "REMOTE_ADDR": str(peer[0]), "REMOTE_PORT": str(peer[1]),
                     "SCRIPT_NAME": "", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
                     "wsgi.errors": sys.stderr, "wsgi.multithread": True,
                     "wsgi.multiprocess": False, "wsgi.run_once": False}

    def run(self) -> None:
        while True:
            try:
                environ = self._read_head()
                if environ is None:
                    return
                keep = self._answer(environ)
            except BadRequest as bad:
                self._send_error(bad.status, str(bad))
                return
            if not keep:
                return

    # -- reading --------------------------------------------------------------------------
    def _read_head(self) -> dict[str, Any] | None:
        """The next request's environ (its body not read yet), or None at a clean end."""
        line = self.rfile.readline(MAX_HEAD + 1)
        while line in (b"\r\n", b"\n"):   # stray line ends between requests are allowed
            line = self.rfile.readline(MAX_HEAD + 1)
        if not line:
            return None
        if len(line) > MAX_HEAD:
            raise BadRequest("414 URI Too Long", "the request line is too long")
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
            raise BadRequest("400 Bad Request", "malformed request line")
        method, target, version = parts
        path, _, query = target.partition("?")
        if path.startswith(("http://", "https://")):   # an absolute form: keep its path
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        environ = dict(self.base)
        environ.update(REQUEST_METHOD=method, PATH_INFO=unquote_to_bytes(path).decode("latin-1"),
                       QUERY_STRING=query, SERVER_PROTOCOL=version, RAW_URI=target,
                       REQUEST_URI=target)
        self._read_headers(environ)
        return environ

    def _read_headers(self, environ: dict[str, Any]) -> None:
        for line in self._header_lines():
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip() or "\n" in line or "\r" in line:
                raise BadRequest("400 Bad Request", "malformed header line")
            if "_" in name:   # HTTP_X_Y must come from X-Y only (waitress drops these too)
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = value.strip()
            environ[key] = f"{environ[key]},{value}" if key in environ else value

    def _header_lines(self) -> list[str]:
        """The head's lines after the request line: taken at once when the buffer holds the
        whole head (the usual case), else line by line."""
        buffered = self.rfile.peek(1)
        if buffered.startswith(b"\r\n"):
            self.rfile.read(2)
            return []
        end = buffered.find(b"\r\n\r\n", 0, MAX_HEAD)
        if end >= 0 and buffered.find(b"\n\n", 0, end) < 0:   # not a bare-LF head's body
            lines = self.rfile.read(end + 4)[:-4].decode("latin-1").split("\r\n")
            if len(lines) > MAX_HEADERS:
                raise BadRequest("431 Request Header Fields Too Large", "too many header lines")
            return lines
        lines, size = [], 0
        for _ in range(MAX_HEADERS + 1):
            line = self.rfile.readline(MAX_HEAD + 1)
            size += len(line)
            if size > MAX_HEAD:
                raise BadRequest("431 Request Header Fields Too Large", "the head is too large")
            if line in (b"\r\n", b"\n", b""):
                return lines
            lines.append(line.decode("latin-1").rstrip("\r\n"))
        raise BadRequest("431 Request Header Fields Too Large", "too many header lines")

    def _body(self, environ: dict[str, Any]) -> None:
        """Put the request's body in `wsgi.input`: a bounded stream, or a de-chunked one."""
        coding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = environ.get("CONTENT_LENGTH", "")
        if coding:
            if coding != "chunked":
                raise BadRequest("501 Not Implemented", f"transfer coding {coding!r}")
            if "HTTP_EXPECT" in environ:
                self._continue(environ)
            body = self._dechunk()
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input"] = io.BytesIO(body)
            environ["wsgi.input_terminated"] = True
            return
        if length and (not length.isdigit() or "," in length):
            raise BadRequest("400 Bad Request", "invalid Content-Length")
        size = int(length or 0)
        if size > MAX_BODY:
            raise BadRequest("413 Request Entity Too Large", "the body is too large")
        if size and "HTTP_EXPECT" in environ:
            self._continue(environ)
        environ["wsgi.input"] = Body(self.rfile, size)

    def _continue(self, environ: dict[str, Any]) -> None:
        if environ["HTTP_EXPECT"].lower() == "100-continue" and environ["SERVER_PROTOCOL"] != \
                "HTTP/1.0":
            self.conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _dechunk(self) -> bytes:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(1026)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest("400 Bad Request", "malformed chunk size") from None
            if size == 0:
                break
            total += size
            if total > MAX_BODY:
                raise BadRequest("413 Request Entity Too Large", "the body is too large")
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise BadRequest("400 Bad Request", "truncated chunk")
            chunks.append(chunk)
        for _ in range(MAX_HEADERS + 1):   # trailers, ignored
            if self.rfile.readline(MAX_HEAD + 1) in (b"\r\n", b"\n", b""):
                break
        return b"".join(chunks)

    # -- answering ------------------------------------------------------------------------
    def _answer(self, environ: dict[str, Any]) -> bool:
        """Run the app on one request and write its answer; whether to keep the connection."""
        self._body(environ)
        keep = _keeps_alive(environ)
        head: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            head[:] = [status, headers]   # nothing is sent before the app is done
            return written.append

        written: list[bytes] = []
        self.server.running.get()
        try:
            result = self.server.app(environ, start_response)
            try:
                written.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:   # the app's own bug: a 500, as any server would answer
            if environ["wsgi.input"].closed:   # the client left inside its body
                return False
            traceback.print_exc(file=sys.stderr)
            head[:] = ["500 Internal Server Error", [("Content-Type", "text/plain")]]
            written[:] = [b"Internal Server Error"]
            keep = False
        finally:
            self.server.running.put(None)
        if not head:
            raise RuntimeError("the WSGI app returned without calling start_response")
        self._send(environ, head[0], head[1], written, keep)
        stream = environ["wsgi.input"]
        return keep and (not isinstance(stream, Body) or stream.drain())

    def _send(self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]],
              body: list[bytes], keep: bool) -> None:
        payload = b"".join(body)
        lines = [f"HTTP/1.1 {status}"]
        named = set()
        for name, value in headers:
            named.add(name.lower())
            lines.append(f"{name}: {value}")
        if "content-length" not in named and not _bodiless(status):
            lines.append(f"Content-Length: {len(payload)}")
        if "date" not in named:
            lines.append(f"Date: {_date()}")
        if "server" not in named:
            lines.append(f"Server: {SERVER}")
        if not keep:
            lines.append("Connection: close")
        elif environ["SERVER_PROTOCOL"] == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if environ["REQUEST_METHOD"] == "HEAD" or _bodiless(status):
            payload = b""
        self.conn.sendall(head + payload)

    def _send_error(self, status: str, reason: str) -> None:
        body = f"{status}: {reason}\n".encode()
        try:
            self.conn.sendall(
                f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}"
                f"\r\nDate: {_date()}\r\nServer: {SERVER}\r\nConnection: close\r\n\r\n"
                .encode("latin-1") + body)
        except OSError:
            pass


class Body(io.RawIOBase):
    """A request body of `size` bytes on the connection's stream: reads stop at its end."""

    def __init__(self, stream: Any, size: int) -> None:
        super().__init__()
        self.stream, self.left = stream, size

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.left:
            size = self.left
        data = self.stream.read(size) if size else b""
        if len(data) < size:
            self.close()   # tells the server that the client left, not the app that failed
            raise ConnectionError("the client closed the connection inside the body")
        self.left -= len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.readline(limit) if limit else b""
        self.left -= len(data)
        return data

    def drain(self) -> bool:
        """Read what the app left of the body, so the next request starts where it should
        (and a client still sending it reads the answer, not a reset); False (close the
        connection instead) when that is more than `MAX_DRAIN`."""
        if self.left > MAX_DRAIN:
            return False
        while self.left:
            self.read(min(self.left, 65536))
        return True


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host`: IPv4 when the name has an IPv4 address (`localhost`
    resolves to ::1 first on many machines, and clients try 127.0.0.1 too); `::` listens on
    both families where the system allows."""
    found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    family, *_, address = next((info for info in found if info[0] == socket.AF_INET), found[0])
    dual = family == socket.AF_INET6 and host == "::" and socket.has_dualstack_ipv6()
    return socket.create_server(address[:2], family=family, backlog=128, dualstack_ipv6=dual)


def _keeps_alive(environ: dict[str, Any]) -> bool:
    connection = environ.get("HTTP_CONNECTION", "").lower()
    if environ["SERVER_PROTOCOL"] == "HTTP/1.0":
        return "keep-alive" in connection
    return "close" not in connection


def _bodiless(status: str) -> bool:
    return status[:1] == "1" or status[:3] in ("204", "304")


_clock: tuple[int, str] = (0, "")


def _date() -> str:
    """The Date header, formatted once a second."""
    global _clock
    now = int(time.time())
    second, text = _clock
    if second != now:
        text = formatdate(now, usegmt=True)
        _clock = (now, text)
    return text


def serve(app: WsgiApp, host: str, port: int, *, threads: int = 8) -> None:
    """Serve `app` until interrupted."""
    Server(app, host, port, threads=threads).serve_forever()
