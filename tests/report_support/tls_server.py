"""aiosmtpd with TLS and AUTH for tests/report.rs, recording mails as recorder.py does.

    python3 tls_server.py MODE PORT CERT KEY USER PASSWORD LOG

MODE is `starttls` (plain greeting; STARTTLS required before AUTH and MAIL, as a submission
server on 587 does) or `implicit` (TLS from the first byte, as smtps on 465). Either way AUTH
(PLAIN or LOGIN) with USER and PASSWORD is required before a mail is accepted. Prints `ready`
once listening, then serves until killed."""
import logging
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from recorder import Recorder


def main():
    # Deliberate here (see implicit below) and noise in the test's output: aiosmtpd's warnings
    # about AUTH without STARTTLS and its own deprecated login_data.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    mode, port, cert, key, user, password, log = sys.argv[1:]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False: aiosmtpd answers a failure with 535 5.7.8, as real servers do.
        return AuthResult(success=ok, handled=False)

    kwargs = {"authenticator": authenticator, "auth_required": True}
    if mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    elif mode == "implicit":
        # aiosmtpd counts only STARTTLS as TLS for AUTH; here the socket itself is TLS.
        kwargs.update(ssl_context=context, auth_require_tls=False)
    else:
        sys.exit(f"unknown mode {mode!r}: starttls or implicit")
    controller = Controller(Recorder(log), hostname="127.0.0.1", port=int(port), **kwargs)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
