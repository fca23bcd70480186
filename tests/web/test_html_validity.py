"""Every page type is valid HTML, checked by the Nu Html Checker (vnu.jar, from npm) in one batch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template

from app.config import BASE_DIR

from .test_security import page_paths

VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: Warnings that come from GOV.UK Frontend's own markup, not ours: (message, text in the extract).
UPSTREAM_WARNINGS = {
    # govukServiceNavigation's menu toggle is rendered `hidden aria-hidden="true"` until its JavaScript runs.
    (
        "Attribute “aria-hidden” is unnecessary for elements that have attribute “hidden”.",
        "govuk-service-navigation__toggle",
    ),
}

#: Error templates reached only by rare failures, rendered directly.
ERROR_PAGES = {"400": 400, "403": 403, "405": 405, "413": 413, "429": 429, "500": 500, "generic": 418, "csrf": 400}


def _need_validator() -> str:
    """The java command, or skip (fail in CI) when the checker cannot run here."""
    java = shutil.which("java")
    problem = None
    if not java:
        problem = "Java is not installed: `make ci-deps` installs it (openjdk-17-jre-headless)"
    elif not VNU_JAR.exists():
        problem = "node_modules/vnu-jar is missing: run `make setup`"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return java


def collect_pages(app: Flask, folder: Path) -> dict[Path, str]:
    """Write every page type to folder; return {file: the path it came from}."""
    client = app.test_client()
    written: dict[Path, str] = {}

    def save(name: str, html: str, source: str) -> None:
        file = folder / f"{len(written):03d}-{name.strip('/').replace('/', '_') or 'home'}.html"
        file.write_text(html, encoding="utf-8")
        written[file] = source

    for path in page_paths(app):
        response = client.get(path)
        if response.mimetype == "text/html" and response.status_code in {200, 404}:
            save(path, response.get_data(as_text=True), path)
    for name, code in ERROR_PAGES.items():
        with app.test_request_context("/"):
            save(f"error-{name}", render_template(f"errors/{name}.html", error=None, code=code), f"errors/{name}.html")
    return written


def run_checker(java: str, files: list[Path]) -> list[dict]:
    """Run vnu.jar once over all files; its errors and warnings."""
    command = [java, "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout"]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=300)
    assert result.stdout, result.stderr
    return json.loads(result.stdout)["messages"]


def is_problem(message: dict) -> bool:
    """Errors and warnings count, except GOV.UK Frontend's known ones."""
    if message["type"] not in {"error", "non-document-error"} and message.get("subType") != "warning":
        return False
    return not any(
        message["message"] == text and marker in message.get("extract", "") for text, marker in UPSTREAM_WARNINGS
    )


def report(problems: list[dict], sources: dict[Path, str]) -> str:
    """One paragraph per distinct problem: the message, an extract, and the pages it is on."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for message in problems:
        file = Path(message.get("url", "").removeprefix("file:"))
        where = f"{sources.get(file, file.name)}:{message.get('lastLine', '?')}"
        kind = message.get("subType", message["type"])
        grouped.setdefault((f"{kind}: {message['message']}", message.get("extract", "")), []).append(where)
    lines = [f"{len(problems)} HTML problems, {len(grouped)} distinct:"]
    for (text, extract), places in grouped.items():
        more = f" and {len(places) - 5} more" if len(places) > 5 else ""
        lines.append(f"- {text}\n    {extract.strip()!r}\n    on {', '.join(places[:5])}{more}")
    return "\n".join(lines)


def test_every_page_type_is_valid_html(app: Flask, tmp_path: Path):
    java = _need_validator()
    sources = collect_pages(app, tmp_path)
    assert len(sources) > 40
    messages = run_checker(java, list(sources))
    problems = [message for message in messages if is_problem(message)]
    assert not problems, report(problems, sources)


def test_the_checker_catches_invalid_html(tmp_path: Path):
    """The batch really reports the problems we rely on it for."""
    java = _need_validator()
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        '<p id="a">one</p><p id="a">two</p>'
        '<a href="/one"><a href="/two">nested</a></a>'
        '<label for="nowhere">Name</label><input id="q" aria-describedby="missing-hint">'
        "<span><div>block in inline</div></span>"
        "<li>outside a list</li></body></html>",
        encoding="utf-8",
    )
    text = "\n".join(m["message"] for m in run_checker(java, [broken]))
    assert "Duplicate ID" in text
    assert "not allowed as child of element" in text
    assert 'aria-describedby="missing-hint"' not in text  # the checker leaves references to us:
    soup = BeautifulSoup(broken.read_text(encoding="utf-8"), "html.parser")
    assert broken_references(soup) == ["aria-describedby names #missing-hint, which is not on the page"]
    assert "“for” attribute of the “label” element must be the ID of a non-hidden form control" in text
    assert "“li” not allowed as child of element “body”" in text


def broken_references(soup: BeautifulSoup) -> list[str]:
    """In-page links and ARIA id references whose target is not on the page."""
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    broken = [
        f"link to {link['href']}, which is not on the page"
        for link in soup.select('a[href^="#"]')
        if link["href"][1:] and link["href"][1:] not in ids
    ]
    for attribute in ("aria-controls", "aria-labelledby", "aria-describedby", "aria-owns", "list"):
        for tag in soup.find_all(attrs={attribute: True}):
            broken += [
                f"{attribute} names #{name}, which is not on the page"
                for name in tag[attribute].split()
                if name not in ids
            ]
    return broken


def test_in_page_links_and_aria_references_have_targets(app: Flask, tmp_path: Path):
    """href="#id" and ARIA id references point at elements on the same page (the checker skips these)."""
    problems = []
    for file, source in collect_pages(app, tmp_path).items():
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        problems += [f"{source}: {problem}" for problem in broken_references(soup)]
    assert not problems, "\n".join(problems)
