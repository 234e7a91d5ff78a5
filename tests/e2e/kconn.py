"""kconn.py -- one protocol connection to kcald for the tests' Python
scenarios (list_diff.py, conflict_diff.py): the greeting read, then one
request at a time, each with the next id."""

import json
import socket


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        self.f.readline()
        self.n = 0

    def raw(self, cmd, **args):
        """The reply line as it came."""
        self.n += 1
        self.f.write((json.dumps(dict(args, id=self.n, cmd=cmd)) +
                      "\n").encode())
        self.f.flush()
        return self.f.readline()

    def call(self, cmd, **args):
        return json.loads(self.raw(cmd, **args))
