"""A small TCP proxy a test can cut, so a real database or Redis "goes away" and comes back
without stopping the shared server: the app is pointed at the proxy's port instead.

``cut("refuse")`` closes every connection and stops listening (new connections are refused, as
when the server is down); ``cut("hang")`` closes every connection and then accepts new ones but
never answers (a hung server, or a network that drops everything). ``restore()`` forwards again
on the same port.
"""
from __future__ import annotations

import socket
import threading


def free_port() -> int:
    """A port nothing listens on (bound, then closed): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.mode = "forward"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listening = False
        self._acceptor: threading.Thread | None = None
        self._listen()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)  # the accept loop looks at self._listening this often
        self._listening = True
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._listening:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                self._track(client)
                if self.mode == "hang":
                    continue  # held open, never answered
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                except OSError:
                    self._close(client)
                    continue
                server.settimeout(None)
                self._track(server)
                for source, target in ((client, server), (server, client)):
                    threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        self._close(source)
        self._close(target)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _close(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _close_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._close(sock)

    def cut(self, mode: str = "refuse") -> None:
        assert mode in ("refuse", "hang")
        self.mode = mode
        if mode == "refuse" and self._listening:
            self._listening = False
            self._acceptor.join()  # the listening socket is closed: connections are refused
        elif mode == "hang" and not self._listening:
            self._listen()
        self._close_all()

    def restore(self) -> None:
        self._close_all()  # connections held by "hang" are dropped
        self.mode = "forward"
        if not self._listening:
            self._listen()

    def close(self) -> None:
        self.cut("refuse")
