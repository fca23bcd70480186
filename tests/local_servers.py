"""Real local servers the messages go to in tests: an SMTP server (aiosmtpd) and an HTTP
server that answers like GOV.UK Notify's API, each on a free loopback port."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

#: A made-up Notify API key: "<name>-<service id>-<secret>".
NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY_SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY_API_KEY = f"portal_tests-{NOTIFY_SERVICE_ID}-{NOTIFY_SECRET}"


def free_port() -> int:
    """A loopback port nothing is listening on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class _Mailbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """aiosmtpd on 127.0.0.1, accepting a login of `username` / `password` (without TLS)."""

    def __init__(self, username: str = "portal", password: str = "relay-password") -> None:
        self.username, self.password = username, password
        self.mailbox = _Mailbox()
        self.port = free_port()
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.mailbox.logins.append(login)
        return AuthResult(success=login == (self.username, self.password))

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages

    def start(self) -> LocalSmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class _NotifyHandler(BaseHTTPRequestHandler):
    server: FakeNotifyServer

    def log_message(self, format, *args) -> None:
        return None

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        auth = self.headers.get("Authorization", "")
        try:
            token = auth.removeprefix("Bearer ")
            assert decode_jwt_token(token, NOTIFY_SECRET) is True  # signed with the key's secret, issued just now
            assert get_token_issuer(token) == NOTIFY_SERVICE_ID
        except Exception:
            self._reply(403, {"status_code": 403, "errors": [{"error": "AuthError", "message": "Invalid token"}]})
            return
        if self.server.fail_with:
            status = self.server.fail_with
            kind = {400: "BadRequestError", 429: "RateLimitError"}.get(status, "Exception")
            self._reply(status, {"status_code": status, "errors": [{"error": kind, "message": "refused"}]})
            return
        kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(self.path)
        if kind is None:
            self._reply(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "no such path"}]})
            return
        self.server.received.append((kind, body))
        notification_id = str(uuid.uuid4())
        self._reply(
            201,
            {
                "id": notification_id,
                "reference": body.get("reference"),
                "content": {"subject": body["personalisation"].get("subject"), "body": body["personalisation"]["body"]},
                "uri": f"/v2/notifications/{notification_id}",
                "template": {"id": body["template_id"], "version": 1, "uri": "/v2/template/x"},
            },
        )


class FakeNotifyServer(ThreadingHTTPServer):
    """Answers POST /v2/notifications/email and /sms as GOV.UK Notify does (201 and JSON),
    after checking the JWT bearer token the official client signs with the API key."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _NotifyHandler)
        self.received: list[tuple[str, dict]] = []
        #: Set to an HTTP status to refuse every request with it.
        self.fail_with: int | None = None
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FakeNotifyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)
