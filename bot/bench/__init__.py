"""Benchmarks of the transcript pipeline, the timer service and data rights
(`parley bench ingest|timers|privacy`).

Each prints a short report, then its JSON result as the last line on stdout, with the baselines
measured in the same run (machines here are shared and noisy: compare within one run).
"""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ingest``, ``timers`` and ``privacy`` under an existing ``bench`` parser."""
    from bot.bench import ingest, privacy, timers

    p = bench_subparsers.add_parser(
        "ingest",
        help="transcript messages/s from gateway payload to committed row, with baselines",
        description=ingest.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.build_parser(p)
    p.set_defaults(func=ingest.run)

    p = bench_subparsers.add_parser(
        "timers",
        help="timer firing lateness with 10,000 pending timers and one dispatcher",
        description=timers.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    timers.build_parser(p)
    p.set_defaults(func=timers.run)

    p = bench_subparsers.add_parser(
        "privacy",
        help="a student's export and erasure in a server with 100,000 messages, with a baseline",
        description=privacy.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    privacy.build_parser(p)
    p.set_defaults(func=privacy.run)
