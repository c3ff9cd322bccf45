"""bench/models reference: XGBoost (hist) and sklearn logistic regression on the rows loanwatch used.

taiwan TABLE TRAIN_ROWS   raw columns of the UCI table; TRAIN_ROWS lists the 0-based training rows
synthetic CSV             features exported from ew_features with label and is_test (out of time)
Prints one JSON line: AUC, KS and training seconds of each model.
"""
import json, sys, time
import numpy as np, pandas as pd, xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.preprocessing import StandardScaler

# one fixed, reasonable configuration (not tuned on the test set): 300 rounds, depth 5, eta 0.05
XGB = dict(tree_method='hist', n_estimators=300, max_depth=5, learning_rate=0.05, subsample=1.0, n_jobs=2, random_state=0)

def ks(y, p):
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))

def frame(kind, args):
    if kind == 'taiwan':
        df = pd.read_csv(args[0])
        train_rows = np.loadtxt(args[1], dtype=int)
        is_train = np.zeros(len(df), bool); is_train[train_rows] = True
        y = df['default.payment.next.month'].values
        X = df.drop(columns=['ID', 'default.payment.next.month'])
        return X, y, is_train
    df = pd.read_csv(args[0], keep_default_na=True, na_values=['\\N'])
    y = df['label'].values; is_train = df['is_test'].values == 0
    X = df.drop(columns=['label', 'is_test'])
    for c in X.columns:
        if X[c].dtype == object: X[c] = X[c].astype('category').cat.codes
    return X, y, is_train

kind = sys.argv[1]
X, y, tr = frame(kind, sys.argv[2:])
te = ~tr
t = time.time(); m = xgb.XGBClassifier(**XGB).fit(X[tr], y[tr]); xgb_s = time.time() - t
p = m.predict_proba(X[te])[:, 1]
# logistic regression needs complete numbers: median-impute and flag missing values, then standardise
Xl = X.copy()
for c in list(Xl.columns):
    if Xl[c].isna().any():
        Xl[c + '_missing'] = Xl[c].isna().astype(float); Xl[c] = Xl[c].fillna(Xl.loc[tr, c].median())
t = time.time(); sc = StandardScaler().fit(Xl[tr]); lr = LogisticRegression(max_iter=2000).fit(sc.transform(Xl[tr]), y[tr]); lr_s = time.time() - t
pl = lr.predict_proba(sc.transform(Xl[te]))[:, 1]
print(json.dumps(dict(xgboost_auc=roc_auc_score(y[te], p), xgboost_ks=ks(y[te], p), xgboost_train_s=xgb_s,
                      sklearn_lr_auc=roc_auc_score(y[te], pl), sklearn_lr_ks=ks(y[te], pl), sklearn_lr_train_s=lr_s,
                      train_rows=int(tr.sum()), test_rows=int(te.sum()))))
