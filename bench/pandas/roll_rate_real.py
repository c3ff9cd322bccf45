"""pandas reference of the roll-rate matrix on the Kaggle credit-card monthly status file.

Same definition as loanwatch (SPEC section 5, with the adapter's mapping): STATUS 0..5 -> buckets
M1..M6, C and X -> C; an account's last row before the as-of month with STATUS X (no balance) is
paid off (PO). Pairs of consecutive months from a non-terminal bucket; weights: 1 per account
(count) or the nominal balance (1.00, 0 for X). Prints JSON with the largest absolute difference
against loanwatch's matrix (CSV from argv), in percentage points.
"""
import json
import sys

import numpy as np
import pandas as pd

records, ours_count, ours_balance = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = pd.Timestamp.now()
df = pd.read_csv(records, dtype={"ID": np.int64, "MONTHS_BALANCE": np.int64, "STATUS": str})
bucket = {"0": "M1", "1": "M2", "2": "M3", "3": "M4", "4": "M5", "5": "M6", "C": "C", "X": "C"}
df = df.sort_values(["ID", "MONTHS_BALANCE"], kind="stable")
df["bucket"] = df["STATUS"].map(bucket)
df["balance"] = np.where(df["STATUS"] == "X", 0.0, 1.0)
last = df.groupby("ID")["MONTHS_BALANCE"].transform("max")
df.loc[(df["MONTHS_BALANCE"] == last) & (df["MONTHS_BALANCE"] < 0) & (df["STATUS"] == "X"), "bucket"] = "PO"
nxt = df.groupby("ID").shift(-1)
pairs = df.assign(to=nxt["bucket"], to_month=nxt["MONTHS_BALANCE"])
pairs = pairs[(pairs["to_month"] == pairs["MONTHS_BALANCE"] + 1) & ~pairs["bucket"].isin(["PO", "WO"])]
result = {}
for basis, ours_path, weight in (("count", ours_count, None), ("balance", ours_balance, "balance")):
    w = pairs.assign(w=1.0 if weight is None else pairs[weight])
    flows = w.groupby(["bucket", "to"])["w"].sum()
    shares = flows / flows.groupby(level=0).transform("sum")
    ours = pd.read_csv(ours_path).set_index(["from_bucket", "to_bucket"])["flow_share"]
    both = pd.concat([shares.rename("pandas"), ours.rename("loanwatch")], axis=1).fillna(0.0)
    result[f"max_abs_diff_pp_{basis}"] = round(float((both["pandas"] - both["loanwatch"]).abs().max() * 100), 6)
    result[f"cells_{basis}"] = int(len(both))
result["pandas_s"] = round((pd.Timestamp.now() - t0).total_seconds(), 2)
print(json.dumps(result))
