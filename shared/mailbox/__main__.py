"""Run the SMTP catcher and its web inbox: `python -m shared.mailbox --smtp-port 8025`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from waitress import create_server

from shared.mailbox.server import SmtpServer
from shared.mailbox.store import Mailbox
from shared.mailbox.web import create_inbox_app

log = logging.getLogger("shared.mailbox")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m shared.mailbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address for SMTP and HTTP")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8001)
    parser.add_argument("--dir", type=Path, default=None, help="keep messages as .eml files here")
    return parser.parse_args(argv)


def _stop(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into the same clean shutdown path as Ctrl+C.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    signal.signal(signal.SIGTERM, _stop)
    mailbox = Mailbox(args.dir)
    http = create_server(create_inbox_app(mailbox), host=args.host, port=args.http_port)
    with SmtpServer(mailbox, host=args.host, port=args.smtp_port) as smtp:
        log.info(
            "SMTP on %s:%d, inbox at http://%s:%d/mail/", args.host, smtp.port, args.host, args.http_port
        )
        try:
            http.run()  # returns on Ctrl+C or SIGTERM: waitress swallows KeyboardInterrupt
        finally:
            http.close()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
