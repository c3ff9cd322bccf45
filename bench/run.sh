#!/usr/bin/env bash
# npm run bench: every benchmark, each writing bench/results/<name>.json. Flags pass through
# (e.g. npm run bench -- --loans 100000 for a quicker run). Installs the pandas reference if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import pandas, xgboost, sklearn' 2>/dev/null; then
  apt-get update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3-pandas python3-xgboost python3-sklearn
fi
export TZ=UTC
npx tsx bench/ingest-snapshot.ts "$@"      # builds bench/work/db, which the next one reads; DuckDB snapshot peer and copy floor in the same run
npx tsx bench/accrual.ts                    # the accrual alone on that warehouse, every run, and a hash of the rows it writes
npx tsx bench/metrics.ts "$@"               # with the same six metrics in DuckDB, compared cell by cell (bench/duckdb)
npx tsx bench/models.ts "$@"                # models vs XGBoost / sklearn (python3-xgboost, python3-sklearn)
npx tsx bench/cases.ts                      # case list on the 1M book (needs bench/models' features)
npx tsx bench/reports.ts                    # both monthly packs on the 1M book (uses the champion of bench/cases)
npx tsx bench/api.ts                        # autocannon against loanwatch serve on a demo-size book
npx tsx bench/console.ts                    # the console's pages, server time, on bench/api's book (five fresh processes)
npx tsx bench/checks/roll-rate-real.ts      # real data: roll-rate matrix vs pandas within 0.1 pp
npx tsx bench/incremental.ts "$@"         # one day of files refreshed vs a full rebuild (its own warehouse under bench/work/incremental)
