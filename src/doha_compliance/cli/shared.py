"""What the commands share: the exit statuses, the event source an evaluation reads, and loading a
rule set with its warning (issue 27: `report` with several rule sets, in cli/many.py, uses them too)."""
from __future__ import annotations

import argparse

from doha_compliance import api, bundled
from doha_compliance.models import Agreement

from .output import inert, say

EXIT_OK, EXIT_FAIL_ON, EXIT_INPUT = 0, 1, 2


def event_source(args: argparse.Namespace) -> api.EventSource:
    return api.read_events(*args.events, fmt=args.events_format, mapping=args.mapping,
                           coverage=getattr(args, "coverage", None))


def load_rules(given: str) -> Agreement:
    """The rule set, with a one-line warning on stderr when a local folder took a bundled set's name
    (`--rules doha` with a ./doha here): the report says so too, but a reader of the report alone
    might not be the one who typed the command."""
    agreement = api.load_rules(given)
    source = agreement.source
    if source is not None and source.shadows and bundled.is_bare_name(given):
        say(inert(f"doha-compliance: warning: '{given}' is the local folder ./{given}, not the bundled rule set "
                  f"'{source.name}'; the output names the folder it used (sha256 {source.sha256[:12]}); "
                  f"to use the bundled set, run from another folder"), err=True)
    return agreement
