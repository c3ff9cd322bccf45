#!/usr/bin/env bash
# npm run notebooks: executes every notebook headless (Jupyter + Deno's kernel) and writes the
# executed copies as HTML to out/notebooks/ (or $NOTEBOOKS_OUT). Exits non-zero when any cell fails.
# The notebooks read LOANWATCH_DATA_DIR (default out/notebooks-data); a warehouse without a
# demo book gets one first (`loanwatch demo --serve false`, a small book).
# Needs Debian's jupyter-notebook, jupyter-nbconvert and python3-ipykernel: `npm ci` installs them
# when run as root with apt (scripts/setup-system.sh); elsewhere this stops first with what to do.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v jupyter-nbconvert >/dev/null 2>&1; then
  echo "npm run notebooks: Jupyter is not installed (Debian jupyter-notebook, jupyter-nbconvert, python3-ipykernel); as root: bash scripts/setup-system.sh" >&2
  exit 2
fi
export TZ=UTC
export LOANWATCH_DATA_DIR="${LOANWATCH_DATA_DIR:-$PWD/out/notebooks-data}"
if [ ! -e "$LOANWATCH_DATA_DIR/.notebook-book" ]; then
  node bin/loanwatch.mjs demo --loans "${NOTEBOOK_LOANS:-3000}" --serve false > /dev/null
  touch "$LOANWATCH_DATA_DIR/.notebook-book"
fi
# Deno's Jupyter kernel, registered in a throw-away JUPYTER_PATH (the binary ships with the npm package)
deno_bin="$(node -e "process.stdout.write(require('./node_modules/deno/install_api.cjs').runInstall())")"
kernels="$(mktemp -d)"
trap 'rm -rf "$kernels"' EXIT
mkdir -p "$kernels/kernels/deno"
printf '{"argv": ["%s", "jupyter", "--kernel", "--conn", "{connection_file}"], "language": "typescript", "display_name": "Deno"}\n' "$deno_bin" > "$kernels/kernels/deno/kernel.json"
notebooks_out="${NOTEBOOKS_OUT:-out/notebooks}"
mkdir -p "$notebooks_out"
for nb in notebooks/*.ipynb; do
  echo "executing $nb"
  JUPYTER_PATH="$kernels" jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=deno \
    --output-dir "$notebooks_out" "$nb"
done
