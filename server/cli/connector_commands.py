"""``wismo connector check`` and ``wismo shop import``: set up and test the order look-up."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from dialogue.connectors import (
    DEFAULT_DEMO_PATH,
    ConnectorError,
    OrderImportError,
    build_connector,
    check_connector,
    create_demo_shop,
    import_orders,
)
from nlu.config import load_config_file
from nlu.errors import InvalidConfig
from server.cli.common import add_config_argument, fail


def register(subparsers: Any) -> None:
    connector = subparsers.add_parser("connector", help="check the order look-up connector")
    commands = connector.add_subparsers(dest="connector_command", metavar="COMMAND")
    check = commands.add_parser("check", help="validate the connector config and look one order up")
    check.add_argument(
        "--order", metavar="ID", help="order number to look up (default: a probe that proves access)"
    )
    add_config_argument(check)
    check.set_defaults(func=run_check)
    connector.set_defaults(func=lambda args: connector.print_help() or 2)

    shop = subparsers.add_parser("shop", help="manage the embedded demo shop")
    shop_commands = shop.add_subparsers(dest="shop_command", metavar="COMMAND")
    imp = shop_commands.add_parser("import", help="load orders from CSV or JSON Lines into the demo shop")
    imp.add_argument("file", help="orders file (.csv or .jsonl)")
    imp.add_argument(
        "--shop",
        default=str(DEFAULT_DEMO_PATH),
        metavar="PATH",
        help=f"shop file (default: {DEFAULT_DEMO_PATH})",
    )
    imp.add_argument(
        "--replace", action="store_true", help="start from an empty shop instead of adding to it"
    )
    imp.set_defaults(func=run_import)
    shop.set_defaults(func=lambda args: shop.print_help() or 2)


def run_check(args: argparse.Namespace) -> int:
    try:
        section = load_config_file(args.config).get("connector") or {}
        connector = build_connector(section)
    except (InvalidConfig, ValueError) as err:
        return fail(str(err))
    return asyncio.run(_check(connector, args.order))


async def _check(connector: Any, order_id: str | None) -> int:
    try:
        report = await check_connector(connector, order_id)
        print(report.text)
        if not report.ok:
            print(
                f"wismo: connector check failed: order {order_id} not found; check the number, or the "
                "connector's look-up (connector.order, connector.fields.order_id)",
                file=sys.stderr,
            )
        return 0 if report.ok else 1
    except ConnectorError as err:
        print(f"wismo: connector check failed: {err}", file=sys.stderr)
        return 1
    finally:
        await connector.aclose()


def run_import(args: argparse.Namespace) -> int:
    shop = Path(args.shop)
    if args.replace or not shop.exists():
        create_demo_shop(shop, seed=False)
    try:
        count = import_orders(shop, args.file)
    except OrderImportError as err:
        for line in err.errors:
            print(line, file=sys.stderr)
        print(f"wismo: nothing imported: {len(err.errors)} bad row(s)", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as err:
        return fail(str(err))
    print(f"imported {count} order(s) into {shop}")
    return 0
