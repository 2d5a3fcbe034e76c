#!/usr/bin/python3
"""An independent mnpen client written from docs/protocol.md alone.

Everything it knows about the wire (message ids, field layouts, codes) it reads from the document
itself at start: the generated message and code tables and the test vectors. Usage:

    mnpen_client.py PORT DOC

Runs a scripted session against a pen on PORT (a pty end), printing one line per check, and exits 0
when every check passed, 1 at the first failure.
"""
import re
import struct
import sys
import time

import serial  # Debian python3-serial

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD
FIELD_FORMATS = {"u8": "B", "u16": "H", "i16": "h", "u32": "I"}


# --- what the document says -------------------------------------------------------------------

def parse_doc(text):
    """Messages {name: (type, [(field, fmt)])}, code tables {title: {name: code}}, vectors."""
    messages = {}
    for match in re.finditer(r"^### 0x([0-9A-F]{2}) ([A-Z_]+)\n(.*?)(?=^### |^## )", text, re.S | re.M):
        type_id, name, body = int(match.group(1), 16), match.group(2), match.group(3)
        fields = []
        for row in re.finditer(r"^\| (\d+) \| (\w+) \| (u8|u16|i16|u32) \|", body, re.M):
            fields.append((int(row.group(1)), row.group(2), row.group(3)))
        fields.sort()
        messages[name] = (type_id, [(field, FIELD_FORMATS[kind]) for _, field, kind in fields])
    codes = {}
    for match in re.finditer(r"^### ([A-Za-z ()]+)\n\n\| code \| name \|\n\|---\|---\|\n((?:\|.*\n)+)", text, re.M):
        table = {}
        for row in re.finditer(r"^\| 0x([0-9A-F]+) \| (\w+) \|", match.group(2), re.M):
            table[row.group(2)] = int(row.group(1), 16)
        codes[match.group(1).strip()] = table
    vectors = []
    block = re.search(r"```vectors\n(.*?)```", text, re.S).group(1).strip().split("\n")
    for header, wire in zip(block[0::2], block[1::2]):
        name, seq, payload = re.match(r"(\w+) seq=(\d+) (\{.*\})", header).groups()
        values = dict(re.findall(r'"(\w+)":(-?\d+)', payload))
        vectors.append((name, int(seq), {k: int(v) for k, v in values.items()}, bytes.fromhex(wire.replace(" ", ""))))
    return messages, codes, vectors


# --- the codec, as the document describes it --------------------------------------------------

def crc16(data):
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no xorout."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def slip(frame):
    out = bytearray([END])
    for byte in frame:
        if byte == END:
            out += bytes([ESC, ESC_END])
        elif byte == ESC:
            out += bytes([ESC, ESC_ESC])
        else:
            out.append(byte)
    out.append(END)
    return bytes(out)


class Codec:
    def __init__(self, messages):
        self.messages = messages
        self.by_type = {type_id: (name, fields) for name, (type_id, fields) in messages.items()}

    def encode(self, name, seq, payload=None):
        type_id, fields = self.messages[name]
        body = b"".join(struct.pack("<" + fmt, (payload or {})[field]) for field, fmt in fields)
        frame = bytes([len(body) + 6]) + struct.pack("<HB", seq, type_id) + body
        return frame + struct.pack(">H", crc16(frame))

    def decode(self, frame):
        """(name, seq, payload) or None when a check fails."""
        if len(frame) < 6 or frame[0] != len(frame):
            return None
        if struct.unpack(">H", frame[-2:])[0] != crc16(frame[:-2]):
            return None
        seq, type_id = struct.unpack("<HB", frame[1:4])
        if type_id not in self.by_type:
            return None
        name, fields = self.by_type[type_id]
        payload, offset = {}, 4
        for field, fmt in fields:
            (payload[field],) = struct.unpack_from("<" + fmt, frame, offset)
            offset += struct.calcsize(fmt)
        return (name, seq, payload) if offset + 2 == len(frame) else None


class Pen:
    """The pen on a serial port: frames out, decoded frames in (SLIP decoding with resync)."""

    def __init__(self, port, codec):
        self.serial = serial.Serial(port, 115200, timeout=0.01)
        self.codec = codec
        self.buffer = bytearray()
        self.escaping = False
        self.inbox = []

    def write(self, *frames):
        self.serial.write(b"".join(slip(frame) for frame in frames))

    def send(self, name, seq, payload=None):
        self.write(self.codec.encode(name, seq, payload))

    def pump(self):
        for byte in self.serial.read(4096):
            if byte == END:
                if self.buffer:
                    decoded = self.codec.decode(bytes(self.buffer))
                    if decoded:
                        self.inbox.append(decoded)
                self.buffer.clear()
                self.escaping = False
            elif self.escaping:
                self.buffer.append(END if byte == ESC_END else ESC)
                self.escaping = False
            elif byte == ESC:
                self.escaping = True
            else:
                self.buffer.append(byte)

    def wait(self, predicate, timeout=2.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            for index, message in enumerate(self.inbox):
                if predicate(message):
                    del self.inbox[: index + 1]
                    return message
        raise AssertionError("no matching frame from the pen")

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump()
        taken, self.inbox = self.inbox, []
        return taken


# --- the session -------------------------------------------------------------------------------

def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok  " + what, flush=True)


def main(port, doc_path):
    messages, codes, vectors = parse_doc(open(doc_path, encoding="utf-8").read())
    codec = Codec(messages)
    reason, state = codes["Reason"], codes["Pen state"]
    for name, seq, payload, wire in vectors:
        check(slip(codec.encode(name, seq, payload)) == wire, "vector " + name + " encodes to the documented bytes")
    t = {name: type_id for name, (type_id, _) in messages.items()}

    motor_on = codes["Telemetry flags (bits)"]["MOTOR_ON"]
    pen = Pen(port, codec)

    def answer_of(seq, name):
        """Matches the ACK or NAK of the frame `name` with `seq`: an answer names both."""
        def match(message):
            kind, _, payload = message
            if kind == "ACK":
                return payload["ackedSeq"] == seq and payload["ackedType"] == t[name]
            if kind == "NAK":
                return payload["refusedSeq"] == seq and payload["refusedType"] == t[name]
            return False
        return match

    pen.send("HELLO", 0, {"protocolVersion": 2})
    info = pen.wait(lambda m: m[0] == "INFO")[2]
    check(info["protocolVersion"] == 2, "INFO speaks protocol version 2")
    check(info["state"] == state["IDLE"] and info["cartridgeId"] != 0, "the pen is IDLE with a cartridge")
    seq = info["nextSeq"]

    def command(name, payload=None):
        nonlocal seq
        sent = seq
        pen.send(name, sent, payload)
        seq = (seq + 1) & 0xFFFF
        return pen.wait(answer_of(sent, name))

    limit = command("SET_DEPTH_LIMIT", {"limitUm": 200})
    check(limit[0] == "ACK" and limit[2]["appliedValue"] == 200, "SET_DEPTH_LIMIT 200 um is applied")
    depth = command("SET_DEPTH", {"depthUm": 250})
    check(depth[2]["note"] == reason["DEPTH_CLAMPED_TO_SESSION_LIMIT"] and depth[2]["appliedValue"] == 200,
          "SET_DEPTH 250 um is clamped to the session limit with its note")
    check(depth[2]["expectedSeq"] == seq, "ACK carries the next expected seq")

    replay = codec.encode("SET_DEPTH", (seq - 1) & 0xFFFF, {"depthUm": 250})
    pen.write(replay)
    again = pen.wait(answer_of((seq - 1) & 0xFFFF, "SET_DEPTH"))
    check(again[2] == depth[2], "a duplicate gets the stored answer again")
    pen.send("ARM", (seq - 1) & 0xFFFF)
    reused = pen.wait(answer_of((seq - 1) & 0xFFFF, "ARM"))
    check(reused[0] == "NAK" and reused[2]["reason"] == reason["SEQUENCE_REUSED"], "a reused seq is refused SEQUENCE_REUSED")

    check(command("SET_SPEED", {"strokeHz": 100})[0] == "ACK", "SET_SPEED 100 Hz")
    check(command("SET_TELEMETRY", {"rateHz": 50})[0] == "ACK", "SET_TELEMETRY 50 Hz")
    check(command("ARM")[0] == "ACK", "ARM")
    for _ in range(6):
        command("HEARTBEAT")
        time.sleep(0.05)
    telemetry = [m for m in pen.drain(0.1) if m[0] == "TELEMETRY"]
    check(telemetry and telemetry[-1][2]["state"] == state["ARMED"], "TELEMETRY reports ARMED under heartbeats")
    check(all(m[2]["measuredDepthUm"] <= 200 + 50 for m in telemetry), "measured depth stays within the limit")

    stop_seq = seq
    pen.send("STOP", stop_seq)
    stopped = pen.wait(lambda m: m[0] == "ACK" and m[2]["ackedType"] == t["STOP"])
    check(stopped[2]["ackedSeq"] == stop_seq and stopped[2]["expectedSeq"] == seq, "STOP is acknowledged with the expected seq")
    check(command("SET_TELEMETRY", {"rateHz": 0})[0] == "ACK", "SET_TELEMETRY 0")
    pen.drain(0.05)

    # The STOP race: ARM and STOP in one write, then the end of a pipelined burst, then behind a full queue.
    for before in (0, 3, 7):
        burst = [codec.encode("HEARTBEAT", (seq + i) & 0xFFFF) for i in range(before)]
        arm_seq = (seq + before) & 0xFFFF
        burst.append(codec.encode("ARM", arm_seq))
        seq = (arm_seq + 1) & 0xFFFF
        pen.write(*burst, codec.encode("STOP", seq))
        arm = pen.wait(answer_of(arm_seq, "ARM"))
        ack = pen.wait(lambda m: m[0] == "ACK" and m[2]["ackedType"] == t["STOP"])
        if arm[0] == "NAK":
            check(arm[2]["reason"] == reason["CANCELLED_BY_STOP"], "ARM behind %d commands is cancelled by the STOP" % before)
            check(ack[2]["appliedValue"] == before + 1, "the STOP's ACK counts the %d frames it discarded" % (before + 1))
        else:
            print("note: the pty split the write; the ARM ran before the STOP arrived", flush=True)
        time.sleep(0.02)
        pen.send("STATUS_REQUEST", 0)
        status = pen.wait(lambda m: m[0] == "STATUS")[2]
        check(status["state"] == state["IDLE"] and (status["flags"] & motor_on) == 0, "the pen is disarmed after the STOP")
        late = [m for m in pen.drain(0.3) if m[0] == "EVENT_STOPPED" and m[2]["reason"] == reason["STOP_LEASE_LAPSED"]]
        check(not late, "the motor never ran after the STOP (no lease lapse follows)")

    check(command("ARM")[0] == "ACK", "ARM without heartbeats")
    lapsed = pen.wait(lambda m: m[0] == "EVENT_STOPPED", timeout=1.0)
    check(lapsed[2]["reason"] == reason["STOP_LEASE_LAPSED"], "the lease lapses by itself without HEARTBEAT")

    pen.send("HELLO", 1, {"protocolVersion": 1})
    old = pen.wait(lambda m: m[0] == "INFO")[2]
    pen.send("SET_DEPTH", old["nextSeq"], {"depthUm": 100})
    refused = pen.wait(answer_of(old["nextSeq"], "SET_DEPTH"))
    check(old["protocolVersion"] == 2 and refused[2]["reason"] == reason["PROTOCOL_UNSUPPORTED"],
          "a version-1 HELLO is answered by INFO and its commands refused PROTOCOL_UNSUPPORTED")
    print("PASS", flush=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except AssertionError as failure:
        print("FAIL " + str(failure), flush=True)
        sys.exit(1)
