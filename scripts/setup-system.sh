#!/usr/bin/env bash
# The one thing npm cannot install: Jupyter, for `npm run notebooks` and test/notebooks (Debian's
# jupyter-notebook, jupyter-nbconvert, python3-ipykernel). Fonts, the PDF checks and the test browser
# come from npm packages, so everything else works without this.
#
# `npm ci` runs it (package.json "postinstall" with --from-npm): as root with apt-get it installs the
# missing packages, logging apt's output to node_modules/.cache/loanwatch-setup.log; otherwise it
# says exactly why not and how, and never fails the install. Run by hand (as root) it fails loudly.
# LOANWATCH_SKIP_SYSTEM_SETUP=1 skips it.
set -uo pipefail
cd "$(dirname "$0")/.."
from_npm=false
[ "${1:-}" = --from-npm ] && from_npm=true
packages=(jupyter-notebook jupyter-nbconvert python3-ipykernel)
say() { printf 'loanwatch set-up: %s\n' "$*" >&2; }
# a failure under npm is reported, not fatal: the rest of loanwatch does not need Jupyter
give_up() { say "$*"; if $from_npm; then exit 0; else exit 1; fi; }

if [ "${LOANWATCH_SKIP_SYSTEM_SETUP:-}" = 1 ]; then say "skipped (LOANWATCH_SKIP_SYSTEM_SETUP=1)"; exit 0; fi
# `command -v` tests one thing with no pipe: the old `fc-list | grep -q` under pipefail failed with
# 141 now and then (grep -q exits at the first match, fc-list then dies of SIGPIPE)
if command -v jupyter-nbconvert >/dev/null 2>&1 && command -v jupyter-notebook >/dev/null 2>&1; then
  say "Jupyter present (notebooks can run)"; exit 0
fi
how="as root: apt-get update && apt-get install -y --no-install-recommends ${packages[*]}"
if [ "$(id -u)" != 0 ]; then
  give_up "not installing Jupyter (${packages[*]}): not root (uid $(id -u)). The notebooks and test/notebooks need it; everything else works without it. To add it, $how, then run \`npm ci\` again or \`bash scripts/setup-system.sh\`."
fi
if ! command -v apt-get >/dev/null 2>&1; then
  give_up "not installing Jupyter: no apt-get on this machine (not Debian/Ubuntu). The notebooks need jupyter-nbconvert and ipykernel on PATH; everything else works without them."
fi
mkdir -p node_modules/.cache
log="$PWD/node_modules/.cache/loanwatch-setup.log"
say "installing Debian packages for the notebooks: ${packages[*]} (apt output in $log)"
# an npm ci killed mid-install leaves dpkg half-done ("dpkg was interrupted"): finish that first
if ! { dpkg --configure -a && apt-get update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  tail -n 5 "$log" >&2
  give_up "apt-get could not install ${packages[*]} (offline, or no Debian repository reachable?); see $log. The notebooks and test/notebooks cannot run until it does: $how."
fi
say "installed ${packages[*]}"
