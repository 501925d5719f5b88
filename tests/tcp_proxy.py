"""A TCP proxy of the tests' own on 127.0.0.1, to cut a real connection.

with TcpProxy(6379) as proxy:      # point a client at proxy.port
    proxy.cut()                     # close every link, refuse new ones
    proxy.hang()                    # accept, then never answer
    proxy.restore()                 # forward again
"""

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.mode = "forward"
        self._links = []
        self._lock = threading.Lock()
        self._server = None
        self.port = None

    def __enter__(self):
        self._open_listener()
        return self

    def __exit__(self, *exc):
        self.mode = "closed"
        self._close_links()
        self._close_listener()

    def _open_listener(self, port=0):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen(64)
        self._server, self.port = server, server.getsockname()[1]
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _close_listener(self):
        if self._server is not None:
            # close() alone does not wake a thread blocked in accept() on
            # Linux, and the port would go on accepting: shut it down first.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None

    def cut(self):
        """Every open link closed, and the port refuses connections."""
        self.mode = "cut"
        self._close_listener()
        self._close_links()

    def hang(self):
        """Connections are accepted and then never answered."""
        self.mode = "hang"
        self._close_links()
        if self._server is None:
            self._open_listener(self.port)

    def restore(self):
        self.mode = "forward"
        if self._server is None:
            self._open_listener(self.port)

    def _close_links(self):
        with self._lock:
            links, self._links = self._links, []
        for sock in links:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if self.mode in ("cut", "closed") or server is not self._server:
                client.close()  # accepted in the instant the port was closing
                return
            with self._lock:
                self._links.append(client)
            if self.mode == "hang":
                continue  # held open, never read
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
