"""Lately: what have I done for them lately?

Start the app on the default journal, on another journal file, or on the demo;
or, with a command (import, export, backup, check), do that job without a window."""

import argparse
import sys


def parse_args(argv=None) -> argparse.Namespace:
    from journal import __version__

    parser = argparse.ArgumentParser(
        prog="lately",
        description="Lately — an offline relationship journal for small business owners.",
        epilog="The journal lives in your user data folder; set LATELY_HOME to keep it elsewhere. "
               "Jobs without a window: lately import|export|backup|check (lately import --help).",
    )
    parser.add_argument("--version", action="version", version=f"Lately {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="open the journal file at PATH (created if missing), or a team "
                       "journal on a PostgreSQL server: postgresql://user@host/dbname or service=NAME")
    where.add_argument("--demo", action="store_true",
                       help="open a demo journal of a small business, in its own file (never yours)")
    parser.add_argument("--measure-startup", action="store_true",
                        help="print the moment (Unix time) the window is first painted, then close it")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    from journal.io import cli

    argv = sys.argv[1:] if argv is None else list(argv)
    if cli.is_command(argv):
        return cli.main(argv)  # no Qt on this path
    args = parse_args(argv)
    from ui.window.app import run  # Qt loads only once the arguments are understood

    return run(db_path=args.db, demo=args.demo, measure_startup=args.measure_startup)


if __name__ == "__main__":
    sys.exit(main())
