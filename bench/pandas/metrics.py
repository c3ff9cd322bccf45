"""pandas references of six loanwatch metrics on the same rows (bench/metrics).

Reads CSVs exported by bench/metrics.ts (integers for ids, days and months; money in cents) and
times each metric's computation (median of N runs, after loading). Same definitions as
docs and warehouse/metrics. Prints JSON: {metric: {"median_s": ..., "check": number}}.
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd

# the bench's request, as loanwatch's metric defaults read it (warehouse/metrics/window.ts): stock
# figures over the 12 month-ends w_from..w_to, moves ending in them, actions of those months, the
# migration from the month-end p_start to the as-of month-end; vintage and recovery cover every cohort
work, runs, as_of_me, p_start, as_of_month = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
w_from, w_to, w_from_month, w_to_month = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
print("[pandas] loading", file=sys.stderr, flush=True)
lm = pd.read_csv(f"{work}/loan_month.csv", dtype={"bucket": "category", "status": "category", "five_class": "category"})
loans = pd.read_csv(f"{work}/loans.csv")
cash = pd.read_csv(f"{work}/cash.csv")
pay = cash[cash["kind"] == "payment"]
acts = pd.read_csv(f"{work}/actions.csv", dtype={"channel": "category", "outcome": "category"}, na_values=["\\N"])
lm = lm.sort_values(["loan", "me"], kind="stable").reset_index(drop=True)


def overdue():
    a = lm[(lm["status"] == "active") & lm["me"].between(w_from, w_to)]
    b = a["bal"]
    f = pd.DataFrame({"me": a["me"], "out": b, "m1": b.where(a["dpd"] > 0, 0), "m2": b.where(a["dpd"] > 30, 0),
                      "m3": b.where(a["dpd"] > 60, 0), "m4": b.where(a["dpd"] > 90, 0),
                      "npl": b.where(a["five_class"].isin(["substandard", "doubtful", "loss"]), 0)})
    g = f.groupby("me").sum()
    g["par30"] = g["m2"] / g["out"]
    g["deviation"] = g["m4"] / g["npl"].replace(0, np.nan)
    return float(g["out"].sum())


def vintage():
    cohort = loans["orig_month"]
    base = loans.assign(cohort=cohort)
    total = base.groupby("cohort")["principal"].sum()
    grid = pd.DataFrame({"cohort": total.index.values, "max_mob": np.maximum(as_of_month - total.index.values, 0)})
    grid = grid.loc[grid.index.repeat(grid["max_mob"] + 1)]
    grid["mob"] = grid.groupby("cohort").cumcount()
    out = grid.set_index(["cohort", "mob"])
    for x in (0, 30, 60, 90):
        first = lm.loc[lm["dpd"] > x].groupby("loan")["mob"].min()
        ev = base.join(first.rename("first"), on="loan").dropna(subset=["first"])
        s = ev.groupby(["cohort", "first"])["principal"].sum()
        s.index = s.index.set_names(["cohort", "mob"])
        out[f"ever{x}"] = s.reindex(out.index, fill_value=0).groupby(level=0).cumsum() / total.reindex(out.index.get_level_values(0)).values
        a = lm[(lm["status"] == "active") & (lm["dpd"] > x)]
        out[f"co{x}"] = a.groupby(["cohort", "mob"])["bal"].sum().reindex(out.index, fill_value=0)
    return float(out["ever30"].sum())


def roll_rate():
    nxt_loan = lm["loan"].shift(-1)
    nxt_me = lm["me"].shift(-1)
    ok = (nxt_loan == lm["loan"]) & (lm["month"].shift(-1) == lm["month"] + 1) & (lm["status"] == "active")
    ok &= (nxt_me >= w_from) & (nxt_me <= w_to)
    pairs = pd.DataFrame({"f": lm["bucket"][ok], "t": lm["bucket"].shift(-1)[ok], "w": lm["bal"][ok]})
    flows = pairs.groupby(["f", "t"], observed=True)["w"].sum()
    shares = flows / flows.groupby(level=0).transform("sum")
    return float(shares.sum())


def defaults():
    d = lm[(lm["dpd"] > 90) | (lm["status"] == "charged_off")].groupby("loan").first()[["month", "me", "bal"]]
    return d.rename(columns={"month": "dmonth", "me": "dme", "bal": "ead"})


def recovery():
    d = defaults()
    c = cash.join(d, on="loan", how="inner")
    c = c[(c["date"] > c["dme"]) & (c["date"] <= as_of_me)]
    c["k"] = c["month"] - c["dmonth"]
    flows = c.groupby(["dmonth", "k"])["amount"].sum()
    ead = d.groupby("dmonth")["ead"].sum()
    curve = flows.groupby(level=0).cumsum() / ead.reindex(flows.index.get_level_values(0)).values
    total = c.groupby("loan")["amount"].sum()
    return int((total > d["ead"].reindex(total.index)).sum())


def migration():
    rank = {"normal": 0, "special_mention": 1, "substandard": 2, "doubtful": 3, "loss": 4}
    s = lm[(lm["me"] == p_start) & (lm["status"] == "active")][["loan", "five_class", "bal"]]
    # lm is sorted by (loan, me): the last row of each loan in the period
    e = lm.loc[(lm["me"] > p_start) & (lm["me"] <= as_of_me), ["loan", "status", "five_class", "bal"]].drop_duplicates("loan", keep="last").set_index("loan")
    m = s.join(e, on="loan", rsuffix="_e")
    closed = m["status"].isin(["paid_off", "charged_off"]) | m["status"].isna()
    m["reduced"] = np.where(closed, m["bal"], np.maximum(m["bal"] - m["bal_e"].fillna(0), 0))
    worse = m["five_class_e"].map(rank).astype(float) > m["five_class"].map(rank).astype(float)
    m["migrated"] = np.where((m["status"] == "active") & worse, m["bal_e"], 0)
    g = m.groupby("five_class", observed=True)[["bal", "reduced", "migrated"]].sum()
    return float((g["migrated"] / (g["bal"] - g["reduced"])).fillna(0).sum())


def collections():
    a = acts.copy()
    worked = lm.loc[lm["loan"].isin(a["loan"].unique()), ["loan", "month", "bucket"]]
    # the bucket at the month-end before the action's month (the stage) and at the action's month-end (the cure)
    a = a.merge(worked.assign(month=worked["month"] + 1).rename(columns={"bucket": "prev_bucket"}), on=["loan", "month"], how="left")
    a = a.merge(worked.rename(columns={"bucket": "end_bucket"}), on=["loan", "month"], how="left")
    a["contacted"] = a["outcome"].isin(["contacted", "promise_to_pay", "refused", "paid"])
    a["promised"] = a["outcome"] == "promise_to_pay"
    a["until"] = a["promised_date"].fillna(a["date"]) + 3
    a["matured"] = a["promised"] & (a["until"] <= as_of_me)
    ptp = a[a["promised"]][["action_id", "loan", "date", "until"]]
    p = ptp.merge(pay.loc[pay["loan"].isin(ptp["loan"].unique()), ["loan", "date", "amount"]], on="loan", suffixes=("", "_p"))
    paid = p[(p["date_p"] >= p["date"]) & (p["date_p"] <= p["until"])].groupby("action_id")["amount"].sum()
    a["kept"] = a["matured"] & (a["action_id"].map(paid).fillna(0) >= a["promised_amount"].fillna(0))
    # one action per loan and day (the greatest id), carrying its date through the as-of merge
    last = a.sort_values(["loan", "date", "action_id"]).drop_duplicates(["loan", "date"], keep="last")[["loan", "date", "action_id"]]
    last["adate"] = last["date"]
    pp = pay[(pay["date"] <= as_of_me) & pay["loan"].isin(a["loan"].unique())].sort_values("date")
    att = pd.merge_asof(pp, last.sort_values("date"), on="date", by="loan", direction="backward")
    att = att[att["date"] - att["adate"] <= 30]
    a["collected"] = a["action_id"].map(att.groupby("action_id")["amount"].sum()).fillna(0)
    # a cure: past due at the month-end before the action, current or paid off at the action's month-end (on or before the as-of).
    # NOT loanwatch's definition since ade923c (the DPD on the action's day, cure at the first month-end after it; the DuckDB
    # peer has it): only `collected` is compared, which does not depend on it — to be brought over with the action_*.csv inputs
    a["past_due"] = a["prev_bucket"].notna() & ~a["prev_bucket"].isin(["C", "PO"])
    a["cured"] = a["past_due"] & a["end_bucket"].isin(["C", "PO"]) & (a["month"] <= as_of_month)
    a = a[a["month"].between(w_from_month, w_to_month)]
    g = a.groupby("channel", observed=True).agg(actions=("action_id", "size"), contacts=("contacted", "sum"), promises=("promised", "sum"),
                                                matured=("matured", "sum"), kept=("kept", "sum"), collected=("collected", "sum"),
                                                past_due=("past_due", "sum"), cures=("cured", "sum"))
    return float(g["collected"].sum())


result = {}
for name, fn in (("overdue", overdue), ("vintage", vintage), ("roll_rate", roll_rate), ("recovery", recovery), ("migration", migration), ("collections", collections)):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        check = fn()
        times.append(time.perf_counter() - t)
    result[name] = {"median_s": round(statistics.median(times), 3), "check": check}
    print(f"[pandas] {name}: median {result[name]['median_s']} s", file=sys.stderr, flush=True)
print(json.dumps(result))
