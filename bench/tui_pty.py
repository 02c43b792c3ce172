#!/usr/bin/env python3
"""Drives the real `hushpost` inbox on a pseudo-terminal (100x30) and measures, from the
outside, what a person would feel: time to the first frame and to the first frame with the
inbox rows, RSS, and keypress-to-redraw latency while the start-up fetch runs in the
background, then again once it is done. Used by bench/tui.sh; not a test.

usage: tui_pty.py HUSHPOST_BINARY HUSHPOST_HOME
"""
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time

BIN, HOME = sys.argv[1], sys.argv[2]


def rss(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
    return out


t0 = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, HUSHPOST_HOME=HOME, NO_COLOR="1", TERM="xterm-256color")
    os.execve(BIN, [BIN], env)

buf = b""


def read_some(timeout):
    global buf
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return b""
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return b""
    buf += chunk
    # Answer the cursor-position query a terminal would (crossterm asks once at start).
    if b"\x1b[6n" in chunk:
        os.write(fd, b"\x1b[1;1R")
    return chunk


def wait_for(pred, limit=60):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        read_some(0.05)
        if pred():
            return time.monotonic()
    sys.exit(f"timed out; last output: {buf[-2000:]!r}")


first = wait_for(lambda: len(buf) > 0)
inbox = wait_for(lambda: b"unread" in buf and b"About the" in buf)
mem_first = rss(pid)


def probe(n, stop=None):
    """Presses j/k alternately; latency = until a chunk with the selection mark arrives."""
    lat = []
    keys = [b"j", b"k"]
    for i in range(n):
        if stop and stop():
            break
        while read_some(0):
            pass
        sent = time.monotonic()
        os.write(fd, keys[i % 2])
        got = None
        while time.monotonic() - sent < 5:
            chunk = read_some(0.5)
            if "›".encode() in chunk:
                got = time.monotonic()
                break
        if got is None:
            sys.exit("no redraw within 5 s of a key press")
        lat.append((got - sent) * 1000)
        time.sleep(0.02)
    return lat


fetch_start = time.monotonic()
during = probe(10_000, stop=lambda: b"new messages" in buf)
fetched = wait_for(lambda: b"new messages" in buf, limit=300)
after = probe(100)
mem_end = rss(pid)
os.write(fd, b"q")
os.waitpid(pid, 0)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


print(f"time to first frame:                 {(first - t0) * 1000:7.1f} ms")
print(f"time to first paint with the inbox:  {(inbox - t0) * 1000:7.1f} ms")
print(f"RSS at first paint:                  {mem_first['VmRSS']:7.1f} MB (peak {mem_first['VmHWM']:.1f} MB)")
print(f"RSS after the fetch:                 {mem_end['VmRSS']:7.1f} MB (peak {mem_end['VmHWM']:.1f} MB)")
import re
m = re.search(rb"(\d+) new messages", buf)
got = m.group(1).decode() if m else "?"
print(f"background fetch of {got} messages (first paint → done): {(fetched - inbox):.2f} s")
for name, xs in (("during the fetch", during), ("idle", after)):
    if xs:
        print(
            f"keypress→redraw {name:>16}: n={len(xs):4d}  p50 {pct(xs, 50):6.2f} ms"
            f"  p95 {pct(xs, 95):6.2f} ms  max {max(xs):6.2f} ms"
        )
    else:
        print(f"keypress→redraw {name:>16}: no samples (the fetch ended first)")
