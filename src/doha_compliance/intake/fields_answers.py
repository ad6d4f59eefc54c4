"""Issue 25 (commitment-semantics §5.16): a claim event naming a rule its accused neither owes nor answers
for (nor is answered for by a party owing it) is refused, in an agreement that declares who answers for
whom (`answers_for:`). DECISION (only there): without bonds a claim naming another party's rule is
weighed as before (it meets none of the accused's findings), which recorded and generated inputs rely on."""
from __future__ import annotations

from typing import Optional

from doha_compliance.models import Agreement
from doha_compliance.rules import claimed


def problem(agreement: Agreement, accused: Optional[str], rule: Optional[str]) -> Optional[str]:
    """Why the row's `rule` cannot be named against its `accused`, or None."""
    return claimed.problem(agreement, accused, rule)
