#!/usr/bin/env python3
# A SOCKS5 proxy (CONNECT only) that accepts any username/password, as Tor does, and logs
# the credentials and the requested host of every connection (ATYP 3 = a name the proxy
# resolves). asyncio sets TCP_NODELAY on its sockets (microsocks does not).
# Usage: socks_proxy.py LOGFILE LISTEN_ADDR PORT   (used by socks.sh and bench/tor.sh)
import asyncio, sys, struct
LOG = sys.argv[1]
def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")
async def pipe(r, w):
    try:
        while True:
            b = await r.read(65536)
            if not b:
                break
            w.write(b)
            await w.drain()
    except Exception:
        pass
    finally:
        try:
            w.close()
        except Exception:
            pass
async def handle(r, w):
    try:
        ver, n = await r.readexactly(2)
        methods = await r.readexactly(n)
        user = ""
        if 2 in methods:
            w.write(b"\x05\x02"); await w.drain()
            _, ul = await r.readexactly(2)
            user = (await r.readexactly(ul)).decode()
            (pl,) = await r.readexactly(1)
            await r.readexactly(pl)
            w.write(b"\x01\x00"); await w.drain()
        else:
            w.write(b"\x05\x00"); await w.drain()
        _, cmd, _, atyp = await r.readexactly(4)
        if atyp == 3:
            (hl,) = await r.readexactly(1)
            host = (await r.readexactly(hl)).decode()
        elif atyp == 1:
            host = ".".join(str(x) for x in await r.readexactly(4))
        else:
            host = (await r.readexactly(16)).hex()
        (port,) = struct.unpack(">H", await r.readexactly(2))
        log("user=%s atyp=%d host=%s port=%d" % (user or "-", atyp, host, port))
        ur, uw = await asyncio.open_connection(host, port)
        w.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00"); await w.drain()
        await asyncio.gather(pipe(r, uw), pipe(ur, w))
    except Exception as e:
        try:
            w.write(b"\x05\x01\x00\x01\x00\x00\x00\x00\x00\x00"); await w.drain(); w.close()
        except Exception:
            pass
async def main():
    srv = await asyncio.start_server(handle, sys.argv[2], int(sys.argv[3]))
    async with srv:
        await srv.serve_forever()
asyncio.run(main())
