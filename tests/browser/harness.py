"""What the browser tests and the page benchmark share: how Chromium is started, and a
local stand-in for the quick-exit destination."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHROMIUM = "/usr/bin/chromium"  # Debian's package: browser downloads are not possible here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Only this machine: nothing a page does may reach the outside world.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that moves on before the page has arrived (the quick exit's timings
        # do) is not an error worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ExitStub:
    """The quick-exit destination: records each request's path and headers, and any
    report a page sends it."""

    def __init__(self):
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests.append({"path": self.path, "headers": dict(self.headers)})
                body = b"<!DOCTYPE html><html lang='en'><title>Weather</title><p>Sunny</p></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                stub.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/weather"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def visits(self):
        return [r for r in self.requests if r["path"].startswith("/weather")]

    def reports(self):
        return [json.loads(r["body"]) for r in self.requests if r["path"] == "/report"]

    def close(self):
        self.server.shutdown()
