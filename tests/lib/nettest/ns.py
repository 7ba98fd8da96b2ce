# SPDX-License-Identifier: GPL-2.0
"""Entering a network namespace.

A tool moves between namespaces with setns(2) instead of running one
process per namespace: process start-up is what costs most under
emulation.  setns() moves the calling thread only, and a socket stays in
the namespace it was created in.
"""
import ctypes
import os

CLONE_NEWNET = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    """Moves the calling thread into the namespace named ns (ip netns)."""
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
    finally:
        os.close(fd)
