"""A mail server as a city runs one: STARTTLS required, then a login; keeps each message in a Maildir.

Started by the tests (SecureSmtp.cs) with: host port certificate.pem key.pem maildir user password.
It says "ready" once it listens and stops when its standard input closes.
"""
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, certificate, key, maildir, user, password = sys.argv[1:8]
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(certificate, key)


def authenticate(server, session, envelope, mechanism, auth_data):
    good = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
    return AuthResult(success=good, handled=False)


controller = Controller(Mailbox(maildir), hostname=host, port=int(port), tls_context=tls, require_starttls=True,
                        authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
