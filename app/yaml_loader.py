"""The one YAML loader: safe, and YAML 1.2-like in what a plain word means.

PyYAML follows YAML 1.1, where `no`, `off` and `y` are booleans, `010` is octal and
`1:30` is a number of seconds. Content and survey files are written by people, so here
only `true`/`false` are booleans, `null`/`~`/nothing is null, numbers are written as
numbers (decimal without a leading zero, `0o` octal, `0x` hex, floats with `.inf` and
`.nan`), dates stay dates, and everything else is a string: `no`, `Norway`, `9:30`, `010`
and a phone number such as `07700900123` stay as written.

LibYAML's parser (`CSafeLoader`) is used when PyYAML was built with it; the pure Python
one otherwise. Both resolve plain scalars with the resolvers below.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

YAMLError = yaml.YAMLError
MappingNode = yaml.MappingNode
Node = yaml.Node
SequenceNode = yaml.SequenceNode

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Plain-scalar resolvers: (tag, pattern, first characters), after YAML 1.2's core schema.
_RESOLVERS = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
)


class PortalLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader with YAML 1.2-like plain scalars (see the module's docstring)."""

    yaml_implicit_resolvers: dict = {}

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """Decimal, 0o octal or 0x hex."""
        value = str(self.construct_scalar(node))
        sign = -1 if value.startswith("-") else 1
        digits = value.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)


for _tag, _pattern, _first in _RESOLVERS:
    PortalLoader.add_implicit_resolver(_tag, re.compile(_pattern, re.X), list(_first))
PortalLoader.add_constructor("tag:yaml.org,2002:int", PortalLoader.construct_yaml_int)


def load_yaml(text: str) -> Any:
    """Parse YAML text (raises YAMLError with a `problem_mark` on a syntax error)."""
    return yaml.load(text, Loader=PortalLoader)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of YAML text, for the line numbers of keys and items."""
    return yaml.compose(text, Loader=PortalLoader)
