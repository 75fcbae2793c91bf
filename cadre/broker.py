"""kombu's filesystem transport, made safe for a writer and a reader at once.

Without REDIS_URL the worker takes its messages from files in var/celery.
kombu writes a message by opening its final name and then writing into it;
a worker polling the folder can move that file away and read it while it is
still empty, fail to decode it and stop with "Unrecoverable error" — the job
is lost and the worker is dead. Here a message is written under a name the
reader ignores and renamed into place (atomic on one filesystem), so a
reader only ever sees whole messages; a file that still does not decode
(left by an older writer that crashed) is set aside with a log line instead
of stopping the worker.
"""

from __future__ import annotations

import logging
import os
import uuid
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # The reader only takes names whose part after the first dot is
        # "<queue>.msg": "<queue>.msg.part" is skipped until renamed.
        partial = f"{final}.part"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))  # type: ignore[no-untyped-call]
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        try:
            return super()._get(queue)  # type: ignore[no-untyped-call]
        except ValueError:
            # Already moved out of the queue folder by the parent's _get.
            logger.error("a message file of queue %s could not be decoded and was set aside", queue)
            raise Empty() from None


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel
