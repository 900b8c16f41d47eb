"""``wismo shell``: chat with the bot in the terminal against the demo shop (``--debug`` prints the trace).

Commands inside the shell: ``/reset`` starts a new conversation, ``/release`` gives a handed-off conversation
back to the bot, ``/quit`` (or Ctrl-D) leaves.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.cli.common import fail


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("shell", help="chat with the bot in the terminal (demo shop)")
    parser.add_argument(
        "--model", metavar="DIR", default=None, help="trained model (default: models/default)"
    )
    parser.add_argument("--debug", action="store_true", help="print the parse and the decision trace")
    parser.add_argument("--language", choices=("en", "fr"), default=None, help="force the language")
    parser.add_argument("--config", metavar="FILE", default="wismo.yml", help="config file")
    parser.add_argument("--email", default=None, help="act as a channel-verified customer with this email")
    parser.set_defaults(func=run_shell)


def _demo_connector() -> Any:
    from dialogue.connectors.demo_shop import DemoShopConnector, create_demo_shop
    from dialogue.connectors.factory import DEFAULT_DEMO_PATH

    if not Path(DEFAULT_DEMO_PATH).exists():
        create_demo_shop(DEFAULT_DEMO_PATH)
    return DemoShopConnector(DEFAULT_DEMO_PATH)


def run_shell(args: argparse.Namespace) -> int:
    """The interactive loop; returns the exit code."""
    from dialogue.config import DialogueConfig, load_dialogue_config
    from dialogue.engine import Customer, DialogueEngine, UserMessage
    from dialogue.errors import DialogueError
    from dialogue.events import ConversationReleased, Event
    from dialogue.templates import load_templates
    from nlu.errors import NLUError
    from nlu.model_io import ensure_default_model, load_model

    try:
        config = load_dialogue_config(args.config) if Path(args.config).exists() else DialogueConfig()
        templates = load_templates(config.templates_dir, config.languages)
        parser = load_model(args.model) if args.model else ensure_default_model()
    except (DialogueError, NLUError) as exc:
        return fail(str(exc))
    engine = DialogueEngine(parser, _demo_connector(), config, templates)
    customer = Customer(args.email, verified=True) if args.email else None
    events: list[Event] = []
    conversation = 1
    print("wismo shell: type a message (/reset, /release, /quit).")
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if text in ("/quit", "/exit"):
            return 0
        if text == "/reset":
            events, conversation = [], conversation + 1
            print("(new conversation)")
            continue
        if text == "/release":
            events.append(ConversationReleased(by="shell", timestamp=datetime.now(UTC)))
            print("(conversation given back to the bot)")
            continue
        if not text:
            continue
        message = UserMessage(text, f"shell-{conversation}", language=args.language, customer=customer)
        result = asyncio.run(engine.handle(events, message))
        events.extend(result.new_events)
        if args.debug:
            for line in result.trace.lines():
                print(f"  . {line}")
        for reply in result.replies:
            print(f"bot> {reply.text}")
        if not result.replies:
            print("(the bot stays silent: the conversation is with the human team; /release gives it back)")
        if result.handoff:
            print(
                f"  >> handoff to {result.handoff.team}: {result.handoff.reason} - {result.handoff.summary}"
            )
            if args.debug:
                print(json.dumps(result.handoff.to_dict(), ensure_ascii=False, indent=2)[:4000])
