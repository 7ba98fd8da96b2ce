# SPDX-License-Identifier: GPL-2.0
"""A small generic netlink client for the scenarios that talk to the module
(or to nlctrl) directly, with nothing but the standard library.

    from nettest.genl import Genl, attr, get_str, strz, uapi

    P = uapi()              # the numbers of include/uapi/linux/pmtufix.h
    g = Genl("pmtufix")     # a socket in the current network namespace
    g.request(P["PMTUFIX_CMD_TABLE_NEW"],
              attr(P["PMTUFIX_A_TABLE"], strz("t")))
    for genlhdr, attrs in g.dump(P["PMTUFIX_CMD_TABLE_GET"]):
        print(get_str(attrs, P["PMTUFIX_A_TABLE"]))

A refused request raises NetlinkError, whose errno is the kernel's and whose
text is the extended ack message, if any.  Command and attribute numbers are
read from the UAPI header, so they follow it.
"""
import errno
import os
import re
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP_INTR = 0x10
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3FFF

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../../include/uapi/linux/pmtufix.h")


def uapi(path=HEADER):
    """NAME -> value of every enum member and integer #define of the
    header."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    names = {}
    for m in re.finditer(r"#define\s+(\w+)\s+\(?(\d+)U?\)?\s*$", text,
                         flags=re.M):
        names[m.group(1)] = int(m.group(2))
    for m in re.finditer(r"#define\s+(\w+)\s+\((\d+)U?\s*<<\s*(\d+)\)",
                         text):
        names[m.group(1)] = int(m.group(2)) << int(m.group(3))
    for body in re.findall(r"enum\s+\w+\s*\{(.*?)\}", text, flags=re.S):
        value = -1
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition("=")
            name = name.strip()
            if expr.strip():
                expr = expr.strip()
                value = names[expr] if expr in names else int(expr, 0)
            else:
                value += 1
            names[name] = value
    return names


class NetlinkError(OSError):
    pass


def attr(atype, data):
    pad = b"\0" * (-len(data) % 4)
    return struct.pack("=HH", 4 + len(data), atype) + data + pad


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b"".join(attrs))


def strz(s):
    return s.encode() + b"\0"


def u8(v):
    return struct.pack("=B", v)


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def parse_attrs(data):
    """{type: payload} of a run of attributes (the last of a type wins)."""
    out = {}
    off = 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("=HH", data, off)
        if alen < 4:
            break
        out[atype & NLA_TYPE_MASK] = data[off + 4:off + alen]
        off += (alen + 3) & ~3
    return out


def get_u32(attrs, atype):
    return struct.unpack("=I", attrs[atype])[0]


def get_u64(attrs, atype):
    return struct.unpack("=Q", attrs[atype])[0]


def get_str(attrs, atype):
    return attrs[atype].rstrip(b"\0").decode()


class Genl:
    """A NETLINK_GENERIC socket of the current network namespace, talking
    to one family, given by name or id ("nlctrl" needs no resolving).
    Datagrams are received into bufsize bytes: the kernel sizes the parts
    of a dump after the largest buffer a socket has received with."""

    def __init__(self, family, bufsize=65536):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.bufsize = bufsize
        self.seq = 0
        self.family = GENL_ID_CTRL
        if isinstance(family, int):
            self.family = family
        elif family != "nlctrl":
            self.family = self.resolve(family)

    def close(self):
        self.sock.close()

    def resolve(self, name):
        """The id of family @name, by CTRL_CMD_GETFAMILY."""
        for hdr, attrs in self.request(
                CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, strz(name)),
                family=GENL_ID_CTRL):
            if CTRL_ATTR_FAMILY_ID in attrs:
                return struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID])[0]
        raise NetlinkError(errno.ENOENT, f"no family {name}")

    def send(self, cmd, attrs=b"", flags=NLM_F_REQUEST | NLM_F_ACK,
             family=None, version=1):
        """Sends one request; returns its sequence number."""
        self.seq += 1
        payload = struct.pack("=BBH", cmd, version, 0) + attrs
        msg = struct.pack("=IHHII", 16 + len(payload),
                          self.family if family is None else family,
                          flags, self.seq, 0) + payload
        self.sock.send(msg)
        return self.seq

    def recv(self):
        """The messages of one datagram: (type, flags, seq, payload)."""
        data, _, flags, _ = self.sock.recvmsg(self.bufsize)
        if flags & socket.MSG_TRUNC:
            raise NetlinkError(errno.EMSGSIZE,
                               f"a datagram did not fit {self.bufsize} bytes")
        msgs = []
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, mflags, mseq, _ = struct.unpack_from("=IHHII",
                                                              data, off)
            if mlen < 16:
                break
            msgs.append((mtype, mflags, mseq, data[off + 16:off + mlen]))
            off += (mlen + 3) & ~3
        return msgs

    @staticmethod
    def error_of(mflags, payload):
        """The errno of an NLMSG_ERROR (0 for an ack), raised as
        NetlinkError with the extended ack message."""
        err = -struct.unpack_from("=i", payload)[0]
        if not err:
            return
        text = os.strerror(err)
        if mflags & NLM_F_ACK_TLVS:
            tlvs = parse_attrs(payload[4 + 16:])
            if NLMSGERR_ATTR_MSG in tlvs:
                text = tlvs[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
        raise NetlinkError(err, text)

    def replies(self, seq):
        """The replies to request seq up to its end (the ack, an error or
        NLMSG_DONE), [(genl header, {type: payload})]; raises NetlinkError
        when refused."""
        out = []
        while True:
            for mtype, mflags, mseq, payload in self.recv():
                if mseq != seq:
                    continue
                if mtype == NLMSG_DONE:
                    return out
                if mtype == NLMSG_ERROR:
                    self.error_of(mflags, payload)
                    return out
                out.append((payload[:4], parse_attrs(payload[4:])))

    def request(self, cmd, attrs=b"", family=None):
        """A request and its replies, [(genl header, {type: payload})];
        raises NetlinkError when refused."""
        return self.replies(self.send(cmd, attrs, family=family))

    def dump(self, cmd, attrs=b""):
        """Every message of a dump, [(genl header, {type: payload})]."""
        return self.replies(self.send(cmd, attrs,
                                      flags=NLM_F_REQUEST | NLM_F_DUMP))
