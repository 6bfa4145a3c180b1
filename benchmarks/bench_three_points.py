"""Calibration of 95 %/80 % intervals when only 3 values are known (docs/method.md §14a).

Each backtest case (national series, cut-offs 2019/2020/2021) is refitted on its last 3
training values only, with each candidate model, and scored on the later observed values:
coverage of the 80 % and 95 % intervals, median 95 % width and mean absolute error. Prints a
table; asserts nothing.
"""

import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent)]
from bench_backtest import CUTOFFS, DATA  # noqa: E402

from planeval.forecasting import applicable, fit_model  # noqa: E402
from planeval.intake.observations import load_observations, series_for  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore")
    obs = load_observations(DATA, "china")
    units = obs.groupby("indicator_id")["unit"].first().to_dict()
    rows = []
    for ind in sorted(obs.indicator_id.unique()):
        s = series_for(obs, ind)
        unit = units[ind]
        for cut in CUTOFFS:
            train, test = s[s.index <= cut], s[s.index > cut]
            if len(train) < 3 or not len(test):
                continue
            yy, vv = train.index.to_numpy(int)[-3:], train.to_numpy(float)[-3:]
            for m in ("drift", "mean", "logit", "linear"):
                if not applicable(m, vv, yy, unit):
                    continue
                f = fit_model(yy, vv, m, unit)
                for year, actual in test.items():
                    for level in (0.8, 0.95):
                        p = f.predict(int(year), level)
                        rows.append(
                            {
                                "model": m,
                                "level": level,
                                "covered": p.low <= actual <= p.high,
                                "width": p.high - p.low,
                                "abs_error": abs(p.value - actual),
                            }
                        )
    table = (
        pd.DataFrame(rows)
        .groupby(["model", "level"])
        .agg(
            forecasts=("covered", "size"),
            coverage=("covered", "mean"),
            median_width=("width", "median"),
            mae=("abs_error", "mean"),
        )
        .round(3)
    )
    print("Intervals from 3 values only (national series, cut-offs 2019-2021):")
    print(table.to_string())


if __name__ == "__main__":
    main()
