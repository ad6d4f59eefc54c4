"""The example at the top of `doha_compliance.testing`'s docstring runs as written (it once raised TypeError)."""
import textwrap

import doha_compliance.testing as testing


def test_the_docstring_example_runs():
    code = textwrap.dedent(testing.__doc__.split("`events()`")[0].split("\n", 1)[1])
    namespace: dict = {}
    exec(code, namespace)
    namespace["test_every_finding_is_of_a_rule_version"]()
