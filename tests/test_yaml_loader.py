"""One YAML loader for content, surveys and data files: words people write stay words."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from app.content import load_store
from app.yaml_loader import PortalLoader, YAMLError, load_yaml

from .content.test_loader import GOOD_SERVICE, make_tree


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("no", "no"),
        ("No", "No"),
        ("off", "off"),
        ("y", "y"),
        ("Norway", "Norway"),
        ("9:30", "9:30"),
        ("010", "010"),
        ("07700900123", "07700900123"),
        ("1_000", "1_000"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("", None),
        ("null", None),
        ("0", 0),
        ("-12", -12),
        ("0o10", 8),
        ("0x1f", 31),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("'yes'", "yes"),
    ],
)
def test_plain_scalars_resolve_as_yaml_1_2_does(text, value):
    assert load_yaml(f"key: {text}\n") == {"key": value}


def test_infinity_and_not_a_number():
    loaded = load_yaml("a: .inf\nb: -.Inf\nc: .nan\n")
    assert loaded["a"] == math.inf and loaded["b"] == -math.inf and math.isnan(loaded["c"])


def test_it_is_a_safe_loader_that_refuses_python_objects():
    with pytest.raises(YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']\n")


def test_libyaml_is_used_when_pyyaml_has_it():
    import yaml

    expected = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    assert issubclass(PortalLoader, expected)


def test_content_front_matter_keeps_no_and_yes_as_words(tmp_path):
    """Under YAML 1.1 `title: No` became False and the page failed to load."""
    service = GOOD_SERVICE.replace("title: Test service", "title: No").replace(
        "organisation: Test organisation", "organisation: Yes"
    )
    store = load_store(make_tree(tmp_path, service))
    meta = store.services["test-service"].meta
    assert (meta.title, meta.organisation) == ("No", "Yes")
