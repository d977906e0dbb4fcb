"""The ``teichaku`` console script of the Python package: the command line's ``whatif``,
``assess``, ``validate`` and ``demo`` over the binding.

It covers what the binding computes: ``whatif`` prints the same text (``--lang en|ja``) and JSON
as the Rust command, ``assess`` prints its JSON, ``validate`` its problems one per line. The
Rust command (``cargo install --path crates/teichaku-cli``) has everything else: text, HTML,
Mermaid and DOT reports of ``assess``, ``kpis``, ``evaluate``, ``init``, ``--events`` files and
``--with-playbook``. ``--as-of`` is required here (the Rust command defaults it to today).
"""

import argparse
import json
import sys
from pathlib import Path

from . import TeichakuError, assess, demo_document, validate, what_if


def _document(path):
    """The document's text and the folder its usage event files are named in; ``-`` reads stdin."""
    if path == "-":
        return sys.stdin.read(), Path(".")
    file = Path(path)
    return file.read_text(encoding="utf-8-sig"), file.parent


def _print_json(value):
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _parser():
    parser = argparse.ArgumentParser(
        prog="teichaku",
        description="Make generative-AI use take root (the Python package's command: whatif, assess, validate, demo).",
    )
    parser.add_argument("--lang", choices=["en", "ja"], default="en", help="language of text output")
    commands = parser.add_subparsers(dest="command", required=True)

    w = commands.add_parser("whatif", help="what completing activities today changes, and the best single action")
    w.add_argument("file", help="the assessment document, or - for standard input")
    w.add_argument("--as-of", required=True, help="the last day that counts, such as 2026-11-01")
    w.add_argument("--complete", action="append", default=[], metavar="ACTIVITY",
                   help="ACTIVITY or ACTIVITY@UNIT to take as completed on the as-of day; may be repeated")
    w.add_argument("--top", type=int, default=5, help="how many single actions the text ranks")
    w.add_argument("--format", choices=["text", "json"], default="text")

    a = commands.add_parser("assess", help="assess an organisation on a date (JSON)")
    a.add_argument("file")
    a.add_argument("--as-of", required=True)
    a.add_argument("--format", choices=["json"], default="json")

    v = commands.add_parser("validate", help="check an assessment document; exit 1 with every problem")
    v.add_argument("file")

    d = commands.add_parser("demo", help="print the demo organisation's document")
    d.add_argument("--document", action="store_true", required=True)
    return parser


def main(argv=None):
    """Runs the command; returns the exit code: 0 done, 1 bad input, 2 a usage error."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            _print_json(demo_document())
            return 0
        text, folder = _document(args.file)
        if args.command == "validate":
            validate(text, base_dir=folder)
            sys.stdout.write("valid assessment document\n")
        elif args.command == "assess":
            _print_json(assess(text, args.as_of, base_dir=folder))
        else:
            lang = args.lang if args.format == "text" else None
            result = what_if(text, args.as_of, complete=args.complete, lang=lang, top=args.top, base_dir=folder)
            if lang is None:
                _print_json(result)
            else:
                sys.stdout.write(result["text"])
    except TeichakuError as e:
        for problem in e.problems or [{"message": str(e)}]:
            sys.stderr.write(problem["message"] + "\n")
        return 1
    except (OSError, ValueError) as e:
        sys.stderr.write(f"{e}\n")
        return 1
    return 0


def run():
    """The console script's entry point."""
    sys.exit(main())
