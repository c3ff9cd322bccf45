"""pandas reference of the SPEC section 4 DPD definition, for bench/ingest-snapshot.

Inputs (CSV, integers only, exported by the benchmark from the same warehouse rows):
  schedule.csv  loan, due (days since epoch), amount (cents)  -- installments due up to the last month-end
  credits.csv   loan, date (days), applied (cents)            -- payments before charge-off, restructure credits
  grid.csv      loan, me (days), dpd                          -- every snapshot loan-month, with loanwatch's DPD

DPD at d = d - due date of the oldest installment not fully paid by d (cumulative paid >= cumulative
due), 0 when it is not past due (grace days from argv). Vectorised with merge_asof, the fastest
pandas formulation we know. Prints JSON: load_s, compute_s, rows, mismatches.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

work, grace = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
sched = pd.read_csv(f"{work}/schedule.csv", dtype={"loan": np.int64, "due": np.int32, "amount": np.int64})
credits = pd.read_csv(f"{work}/credits.csv", dtype={"loan": np.int64, "date": np.int32, "applied": np.int64})
grid = pd.read_csv(f"{work}/grid.csv", dtype={"loan": np.int64, "me": np.int32, "dpd": np.int64})
t1 = time.perf_counter()

sched = sched.sort_values(["loan", "due"], kind="stable")
sched["cum_due"] = sched.groupby("loan", sort=False)["amount"].cumsum()
# several credits on one day: one row per loan and day, so the as-of lookup sees the day's total
credits = credits.groupby(["loan", "date"], as_index=False, sort=True)["applied"].sum()
credits["cum_paid"] = credits.groupby("loan", sort=False)["applied"].cumsum()
# amount applied up to and including each month-end
g = pd.merge_asof(grid.sort_values("me"), credits[["loan", "date", "cum_paid"]].sort_values("date"),
                  left_on="me", right_on="date", by="loan", direction="backward")
g["paid"] = g["cum_paid"].fillna(0).astype(np.int64)
# oldest installment not fully paid: first cumulative due strictly above the amount paid
h = pd.merge_asof(g.sort_values("paid"), sched[["loan", "due", "cum_due"]].sort_values("cum_due"),
                  left_on="paid", right_on="cum_due", by="loan", direction="forward", allow_exact_matches=False)
past_due = h["due"].notna() & (h["due"] + grace < h["me"])
h["dpd_pandas"] = np.where(past_due, h["me"] - h["due"].fillna(0), 0).astype(np.int64)
t2 = time.perf_counter()
print(json.dumps({"load_s": round(t1 - t0, 3), "compute_s": round(t2 - t1, 3), "rows": int(len(h)),
                  "mismatches": int((h["dpd_pandas"] != h["dpd"]).sum())}))
