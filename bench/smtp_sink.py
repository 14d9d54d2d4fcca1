"""A mail server on 127.0.0.1 for the delay-notice bench: it accepts every message and writes
one line per message (its Message-ID, tab, the recipients) to a file, flushed before it answers
250, so that a count of the file's lines after a sweep is the number of mails that arrived.

    python bench/smtp_sink.py --port PORT --out FILE

It runs as a process of its own (started and stopped by `servers.smtp_sink`), so that its work
does not compete for the GIL with the sending process that is being measured.
"""

import argparse
import asyncio
import signal
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import IO, Any

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        headers = self.parser.parsebytes(envelope.original_content or envelope.content)
        self.out.write(f"{headers.get('Message-ID', '')}\t{','.join(envelope.rcpt_tos)}\n")
        self.out.flush()
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        controller = Controller(Sink(out), hostname="127.0.0.1", port=args.port)
        controller.start()
        print(f"smtp sink on 127.0.0.1:{args.port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.new_event_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            loop.run_until_complete(stop.wait())
        finally:
            controller.stop()
            loop.close()


if __name__ == "__main__":
    main()
