#!/usr/bin/env bash
# Debian packages the reports and their tests need (run as root; CI runs it from .ci/run):
#   fonts-wqy-zenhei  Chinese glyphs in PNG and PDF (without a CJK font they render as boxes)
#   poppler-utils     pdftoppm / pdftotext, to check a PDF page in the tests
#   chromium          the headless browser for the HTML report test (driven by playwright-core)
#   jupyter-notebook, jupyter-nbconvert, python3-ipykernel   run the notebooks headless (npm run notebooks)
set -euo pipefail
need=()
fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei' || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v jupyter-nbconvert >/dev/null || need+=(jupyter-notebook jupyter-nbconvert python3-ipykernel)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}"
fi
