#!/usr/bin/env python3
"""A TLS terminator for make bench: listens with a certificate of a throwaway CA and forwards
each connection in the clear to a local service, so that the function makes the TLS handshakes
it makes on Lambda (DynamoDB Local and the SES emulator speak plain HTTP only). Prints a line
per signed request it forwards, so that make bench can count an order's AWS calls. Runs as its own
process, outside the function's CPU quota. Standard library only.

    tls_proxy.py --cert server.pem --key server.key 8543:8500 8548:8505
"""

import argparse
import asyncio
import ssl


async def pump(reader, writer, requests=None):
    try:
        while data := await reader.read(65536):
            if requests is not None:
                # Every signed request has one Authorization header: a line per AWS call.
                for _ in range(data.lower().count(b"\r\nauthorization: aws4-hmac-sha256")):
                    print(requests, flush=True)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def forwarder(listen_port, target_port):
    async def forward(client_reader, client_writer):
        try:
            service_reader, service_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, service_writer, f"request {listen_port}"),
                             pump(service_reader, client_writer))
    return forward


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("pairs", nargs="+", help="LISTEN_PORT:TARGET_PORT")
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    servers = []
    for pair in args.pairs:
        listen, target = (int(p) for p in pair.split(":"))
        servers.append(await asyncio.start_server(forwarder(listen, target), "127.0.0.1", listen, ssl=context))
    print("tls_proxy: listening", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main())
