#!/usr/bin/env bash
# The browser check of the HTML report (docs/report.md): renders the committed example reports,
# English and Japanese, in headless Chromium and fails on any console message, a missing chart, or
# a blank screenshot. Needs Chromium (Debian: `apt-get install -y chromium`) and Python 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
browser="${CHROMIUM:-}"
if [ -z "$browser" ]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            browser="$candidate"
            break
        fi
    done
fi
if [ -z "$browser" ]; then
    echo "tests/browser/check.sh: no Chromium found (install it with 'apt-get install -y chromium' or set CHROMIUM)" >&2
    exit 1
fi
python3 tests/browser/check.py "$browser" examples/output/demo-report.html examples/output/demo-report-ja.html
