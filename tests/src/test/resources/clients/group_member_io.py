"""What the group-consumer scripts share: the tests drive them with one command a line on stdin
and read one event a line from stdout."""
import queue
import sys
import threading


def emit(line):
    print(line, flush=True)


class Commands:
    """The lines of stdin, read on a daemon thread; "close" once stdin ends."""

    def __init__(self):
        self._queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in sys.stdin:
            self._queue.put(line.strip())
        self._queue.put("close")

    def next(self):
        """The next command, or None when none is waiting."""
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None
