"""A TCP relay on 127.0.0.1 that can be shut and opened, to play a server that is away (a database restarting):
while shut, every connection is accepted and closed at once and the relayed ones are cut; once opened, connections
are relayed to the real server."""

from __future__ import annotations

import socket
import threading


class TcpGate:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_open = threading.Event()
        self.refused = 0
        self.relayed: list[socket.socket] = []
        self.lock = threading.Lock()

    def __enter__(self) -> TcpGate:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()
        self.shut()

    def open(self) -> None:
        self.is_open.set()

    def shut(self) -> None:
        """Refuses new connections and cuts the relayed ones."""
        self.is_open.clear()
        with self.lock:
            for sock in self.relayed:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.relayed.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.is_open.is_set():
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.relayed += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
