"""The yardstick: a bare aiohttp app with one JSON handler."""

import argparse

from aiohttp import web


async def handler(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "path": request.path})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
