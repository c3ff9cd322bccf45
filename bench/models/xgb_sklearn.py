"""bench/models reference: XGBoost (hist) and sklearn logistic regression on the rows loanwatch used.

table CSV SPLIT SPEC      a table trained by `loanwatch train --table`: SPLIT is the version's split.csv
                          (row,part: train and held_back are the training window, test the test part);
                          SPEC (JSON) names the target, the bad value, the missing markers and the columns
                          the data-quality gate kept with their kinds — only those are read
synthetic CSV             features exported from ew_features with label and is_test (out of time)
Prints one JSON line: AUC, KS, ECE and training seconds of each model.
"""
import csv, json, sys, time
import numpy as np, pandas as pd, xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.preprocessing import StandardScaler

# one fixed, reasonable configuration (not tuned on the test set): 300 rounds, depth 5, eta 0.05
XGB = dict(tree_method='hist', n_estimators=300, max_depth=5, learning_rate=0.05, subsample=1.0, n_jobs=2, random_state=0)

def ks(y, p):
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))

def ece(y, p, bands=10):
    """loanwatch's definition (models/evaluate/metrics.ts): ten equal-count bins of predicted probability,
    sum of bin share x |mean predicted - observed rate|"""
    idx = np.argsort(p, kind='stable'); n = len(p); s = 0.0
    for b in range(bands):
        lo, hi = (b * n) // bands, ((b + 1) * n) // bands
        if hi > lo: s += (hi - lo) / n * abs(p[idx[lo:hi]].mean() - y[idx[lo:hi]].mean())
    return float(s)

def codes(s):
    """categories as integer codes, missing kept missing (XGBoost learns where missing goes)"""
    c = s.astype('category').cat.codes.astype(float)
    return c.where(s.notna())

def table_frame(path, split_path, spec_path):
    spec = json.load(open(spec_path))
    with open(path, newline='', encoding='utf-8-sig') as f:
        header = [h.strip() for h in next(csv.reader(f))]
    # every cell as text, read like loanwatch's loader: trimmed, the markers missing, blank lines skipped
    raw = pd.read_csv(path, header=None, skiprows=1, dtype=str, keep_default_na=False, na_filter=False)
    markers = set(spec['missing_markers'])
    def col(name):
        v = raw.iloc[:, header.index(name)].str.strip()
        return v.where(~v.isin(markers))
    split = pd.read_csv(split_path)
    if len(split) != len(raw): sys.exit(f'{split_path}: {len(split)} rows, {path} has {len(raw)}')
    part = split.sort_values('row')['part'].values
    y = (raw.iloc[:, header.index(spec['target'])].str.strip() == spec['bad_value']).astype(int).values
    X = pd.DataFrame({c['name']: pd.to_numeric(col(c['name']), errors='raise') if c['kind'] == 'numeric' else col(c['name'])
                      for c in spec['columns']})
    return X, y, part != 'test'

def synthetic_frame(path):
    df = pd.read_csv(path, keep_default_na=True, na_values=['\\N'])
    y = df['label'].values; is_train = df['is_test'].values == 0
    return df.drop(columns=['label', 'is_test']), y, is_train

kind = sys.argv[1]
X, y, tr = table_frame(*sys.argv[2:5]) if kind == 'table' else synthetic_frame(sys.argv[2])
te = ~tr
cats = [c for c in X.columns if X[c].dtype == object]
Xg = X.copy()
for c in cats: Xg[c] = codes(Xg[c])
t = time.time(); m = xgb.XGBClassifier(**XGB).fit(Xg[tr], y[tr]); xgb_s = time.time() - t
p = m.predict_proba(Xg[te])[:, 1]
# logistic regression needs complete numbers: categories one-hot (missing a level of its own), numbers
# median-imputed with a missing flag, then standardised
Xl = pd.get_dummies(X, columns=cats, dummy_na=True, dtype=float) if cats else X.copy()
for c in [c for c in Xl.columns if c not in cats and Xl[c].isna().any()]:
    Xl[c + '_missing'] = Xl[c].isna().astype(float); Xl[c] = Xl[c].fillna(Xl.loc[tr, c].median())
t = time.time(); sc = StandardScaler().fit(Xl[tr]); lr = LogisticRegression(max_iter=2000).fit(sc.transform(Xl[tr]), y[tr]); lr_s = time.time() - t
pl = lr.predict_proba(sc.transform(Xl[te]))[:, 1]
print(json.dumps(dict(xgboost_auc=roc_auc_score(y[te], p), xgboost_ks=ks(y[te], p), xgboost_ece=ece(y[te], p), xgboost_train_s=xgb_s,
                      sklearn_lr_auc=roc_auc_score(y[te], pl), sklearn_lr_ks=ks(y[te], pl), sklearn_lr_train_s=lr_s,
                      train_rows=int(tr.sum()), test_rows=int(te.sum()), columns=int(X.shape[1]))))
