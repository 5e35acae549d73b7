#!/usr/bin/env python3
"""An independent CSTA XML client (ECMA-323 over TCP, ECMA-354 sessions) for callboard's tests.

It shares no code with callboard: frames are built with struct, XML with ElementTree. It logs in,
monitors a line, makes a call, follows the events until the call is established, clears it, and
stops the session. Exit code 0 means every check passed; failures are printed.

    python3 csta_client.py --port 1040 --user demo --password demo --line 201 --called 202
"""
import argparse
import socket
import struct
import sys
import time
import xml.etree.ElementTree as ET

CSTA_NS = "http://www.ecma-international.org/standards/ecma-323/csta/ed5"
SESSION_NS = "http://www.ecma-international.org/standards/ecma-354/appl_session"


class Failure(Exception):
    pass


def local(tag):
    return tag.split("}", 1)[-1]


def find(element, name):
    """First descendant (or self) with this local name."""
    for node in element.iter():
        if local(node.tag) == name:
            return node
    return None


def text_of(element, name):
    node = find(element, name)
    return None if node is None else (node.text or "").strip()


class Client:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.invoke = 0
        self.pending_events = []

    def send(self, xml):
        self.invoke = self.invoke % 9998 + 1
        body = xml.encode("utf-8")
        header = struct.pack(">HH", 0, len(body) + 8) + b"%04d" % self.invoke
        self.sock.sendall(header + body)
        return self.invoke

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise Failure("connection closed by the server")
            data += chunk
        return data

    def recv_frame(self):
        header = self.recv_exact(8)
        first, length = struct.unpack(">HH", header[:4])
        if first != 0 or length < 8:
            raise Failure(f"bad frame header {header!r}")
        invoke = int(header[4:8])
        root = ET.fromstring(self.recv_exact(length - 8))
        return invoke, root

    def request(self, xml):
        """Sends a request and returns its response (events arriving meanwhile are kept)."""
        invoke = self.send(xml)
        deadline = time.time() + 10
        while time.time() < deadline:
            got, root = self.recv_frame()
            if got == 9999 and local(root.tag).endswith("Event"):
                self.pending_events.append(root)
                continue
            if got != invoke:
                raise Failure(f"response with invoke ID {got}, expected {invoke}: {local(root.tag)}")
            return root
        raise Failure("no response in time")

    def next_event(self, timeout=10):
        if self.pending_events:
            return self.pending_events.pop(0)
        deadline = time.time() + timeout
        while time.time() < deadline:
            got, root = self.recv_frame()
            if got == 9999:
                return root
            raise Failure(f"unexpected non-event frame {local(root.tag)}")
        raise Failure("no event in time")


def csta(name, inner=""):
    return f'<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{CSTA_NS}">{inner}</{name}>'


def session(name, inner=""):
    return f'<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{SESSION_NS}">{inner}</{name}>'


def expect(root, name):
    if local(root.tag) != name:
        raise Failure(f"expected {name}, got {local(root.tag)}: {ET.tostring(root, encoding='unicode')}")
    return root


def run(args):
    client = Client(args.host, args.port, timeout=15)
    login = session(
        "StartApplicationSession",
        "<applicationInfo><applicationID>python-test</applicationID><applicationSpecificInfo>"
        f"<SessionLoginInfo><userName>{args.user}</userName><password>{args.password}</password></SessionLoginInfo>"
        "</applicationSpecificInfo></applicationInfo>"
        f"<requestedProtocolVersions><protocolVersion>{CSTA_NS}</protocolVersion></requestedProtocolVersions>"
        "<requestedSessionDuration>60</requestedSessionDuration>",
    )
    started = expect(client.request(login), "StartApplicationSessionPosResponse")
    session_id = text_of(started, "sessionID")
    print(f"logged in, session {session_id}")

    monitor = expect(
        client.request(csta("MonitorStart", f"<monitorObject><deviceObject>{args.line}</deviceObject></monitorObject>")),
        "MonitorStartResponse",
    )
    cross_ref = text_of(monitor, "monitorCrossRefID")
    print(f"monitoring {args.line} as {cross_ref}")
    back = client.next_event()
    expect(back, "BackInServiceEvent")

    made = expect(
        client.request(
            csta(
                "MakeCall",
                f"<callingDevice>{args.line}</callingDevice><calledDirectoryNumber>{args.called}</calledDirectoryNumber>",
            )
        ),
        "MakeCallResponse",
    )
    call_id = text_of(made, "callID")
    calling = text_of(made, "deviceID")
    print(f"call {call_id} from {calling}")

    seen = []
    last_seq = 0
    while "EstablishedEvent" not in seen:
        event = client.next_event()
        name = local(event.tag)
        if text_of(event, "monitorCrossRefID") != cross_ref:
            raise Failure(f"{name} for another monitor")
        if name == "BackInServiceEvent":
            raise Failure("a second BackInServiceEvent for the same monitor")
        seq = int(text_of(event, "sequenceNumber") or 0)
        if seq <= last_seq:
            raise Failure(f"sequence numbers not increasing: {seq} after {last_seq}")
        last_seq = seq
        seen.append(name)
    print("events:", " ".join(seen))
    wanted = ["ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent", "EstablishedEvent"]
    position = 0
    for name in seen:
        if position < len(wanted) and name == wanted[position]:
            position += 1
    if position != len(wanted):
        raise Failure(f"expected {wanted} in order, saw {seen}")

    expect(
        client.request(
            csta(
                "ClearConnection",
                f"<connectionToBeCleared><callID>{call_id}</callID><deviceID>{calling}</deviceID></connectionToBeCleared>",
            )
        ),
        "ClearConnectionResponse",
    )
    while True:
        event = client.next_event()
        if local(event.tag) in ("ConnectionClearedEvent", "CallClearedEvent"):
            break
    snapshot = expect(
        client.request(csta("SnapshotDevice", f"<snapshotObject>{args.line}</snapshotObject>")),
        "SnapshotDeviceResponse",
    )
    if find(snapshot, "snapshotDeviceResponseInfo") is not None:
        raise Failure("the line still has a call after it was cleared")

    refused = client.request(csta("MonitorStart", "<monitorObject><deviceObject>99999</deviceObject></monitorObject>"))
    expect(refused, "CSTAErrorCode")

    expect(client.request(session("StopApplicationSession", f"<sessionID>{session_id}</sessionID>")),
           "StopApplicationSessionPosResponse")
    print("OK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--line", default="201")
    parser.add_argument("--called", default="202")
    args = parser.parse_args()
    try:
        run(args)
    except (Failure, OSError, ET.ParseError) as error:
        print(f"FAILED: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
