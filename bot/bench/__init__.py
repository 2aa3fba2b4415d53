"""Benchmarks of the transcript pipeline, the timer service, the deal space, a class's
busiest seconds and data rights (`parley bench ingest|timers|deal|class|privacy`).

Each prints a short report, then its JSON result as the last line on stdout, with the baselines
measured in the same run (machines here are shared and noisy: compare within one run).
"""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ingest``, ``timers``, ``deal``, ``class`` and ``privacy`` under a ``bench`` parser."""
    from bot.bench import classroom, deal, ingest, privacy, timers

    benches = (
        (
            "ingest",
            ingest,
            "transcript messages/s from gateway payload to committed row, with baselines",
        ),
        ("timers", timers, "timer firing lateness with 10,000 pending timers and one dispatcher"),
        ("deal", deal, "the debrief's deal space (zone, frontier) and chart, with a baseline"),
        (
            "class",
            classroom,
            "a class of 60 in its busiest seconds: interaction response times vs the floor; "
            "memory and start-up with 1,000 live sessions",
        ),
        (
            "privacy",
            privacy,
            "a student's export and erasure in a server with 100,000 messages, with a baseline",
        ),
    )
    for name, module, summary in benches:
        p = bench_subparsers.add_parser(
            name,
            help=summary,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.build_parser(p)
        p.set_defaults(func=module.run)
