"""Lighthouse (the npm package, driving Debian's Chromium) scores the main
pages 100 for Accessibility, Best Practices and SEO, as a phone sees them."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, load_demo, needs_chromium

LIGHTHOUSE = Path(__file__).resolve().parents[2] / "node_modules/.bin/lighthouse"
CATEGORIES = ["accessibility", "best-practices", "seo"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_chromium,
    pytest.mark.skipif(
        os.environ.get("CI") != "true" and not LIGHTHOUSE.exists(),
        reason="needs Lighthouse: npm ci (make test runs it when npm is installed)",
    ),
]


def scores(url, tmp_path):
    report = tmp_path / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = json.loads(report.read_text())
    failing = [
        f"{category['id']}: {result['audits'][ref['id']]['title']}"
        for category in result["categories"].values()
        for ref in category["auditRefs"]
        if ref["weight"] and (result["audits"][ref["id"]]["score"] or 0) < 1
    ]
    return {
        name: round(category["score"] * 100)
        for name, category in result["categories"].items()
    }, failing


@pytest.mark.parametrize(
    "path", ["/", "/q/what-causes-hiccups/", "/topics/health-body/"]
)
def test_lighthouse_scores_100(live_server, tmp_path, path):
    load_demo(read=6)
    found, failing = scores(live_server.url + path, tmp_path)
    assert found == dict.fromkeys(CATEGORIES, 100), failing
