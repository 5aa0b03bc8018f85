"""The example's second compose service: answers any request with what it received, as JSON
(a stand-in for whatever runs next to your functions: a database, an API)."""

import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = 8080


class Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.reply(b"")

    def do_POST(self) -> None:
        self.reply(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def reply(self, body: bytes) -> None:
        answer = json.dumps({
            "service": "echo",
            "method": self.command,
            "path": self.path,
            "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


if __name__ == "__main__":
    # As a container's first process, Python ignores SIGTERM unless told: stop at once on it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"echo listening on :{PORT}", flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Echo).serve_forever()
