"""An echo server on python3-websockets (Debian's), for ReconnectingWebSocket's interop test.

Usage: /usr/bin/python3 websockets_echo.py PORT INSTANCE
Answers every message with "INSTANCE:message" on 127.0.0.1:PORT and prints "listening" once bound.
"""
import asyncio
import sys

import websockets


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(sys.argv[2] + ":" + message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", int(sys.argv[1])):
        print("listening", flush=True)
        await asyncio.Future()


asyncio.run(main())
