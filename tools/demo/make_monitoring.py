#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Write the demo's GENERATED monitoring file (data/shapefiles/monitoring.csv).

Usage (from the repository root; python3 standard library only):

    python3 tools/demo/make_monitoring.py [data/shapefiles/monitoring.csv]

build_demo_plan.py calls it too. Two samples a month (the 8th and the 22nd) of 2026 for
each of the demo's 12 monitoring sections: DO, CODMn, COD, BOD5, NH3-N, TP and TN in
mg/L. The values are invented, not measurements: each section has a planned water
class per parameter (PROFILES), and each value is the middle of that class's band under
GB 3838-2002 Table 1 (rivers) with a seasonal swing and seeded noise (±7 % in all), so
that every monthly and the annual mean keep the planned class. The script classes its
own output by the single-factor method (the worst parameter, TN left out for rivers as
the national evaluation method does) and exits 1 if a mean misses its plan.

With the default green/yellow/red scheme (green = meets the target, yellow = one class
worse, red = two or more, or 劣V), the year 2026 gives:
  red     SEC06 竹皮河马良龚家湾 (NH3-N 劣V against target IV)
  yellow  SEC07 竹皮河东宝—掇刀跨界 (V against IV; the cross-county section) and
          SEC10 拾桥河长湖入湖 (TP IV against III)
  green   the others; SEC05 汉江沙洋 is yellow in July and August only (TP III against II)
TN is class IV–V everywhere on the Han: a river's class must not count it.
"""

import csv
import math
import os
import random
import sys

SEED = 20260101
YEAR = 2026
SAMPLE_DAYS = (8, 22)
NOTE = 'GENERATED, not measured'

# GB 3838-2002 Table 1, classes I..V, rivers (TP: rivers and streams). DO is a lower
# bound, the others upper bounds; a value exactly at a limit meets it.
LIMITS = {
    'DO': (7.5, 6, 5, 3, 2),
    'CODMn': (2, 4, 6, 10, 15),
    'COD': (15, 15, 20, 30, 40),
    'BOD5': (3, 3, 4, 6, 10),
    'NH3-N': (0.15, 0.5, 1.0, 1.5, 2.0),
    'TP': (0.02, 0.1, 0.2, 0.3, 0.4),
    'TN': (0.2, 0.5, 1.0, 1.5, 2.0),
}
PARAMETERS = list(LIMITS)
IN_CLASS = [p for p in PARAMETERS if p != 'TN']   # rivers: TN is not assessed
CLASS_NAMES = ('I', 'II', 'III', 'IV', 'V', '劣V')

# section: (target, planned class 1..6 of DO, CODMn, COD, BOD5, NH3-N, TP, TN,
#           {month: {parameter: class}} for months that differ)
PROFILES = {
    'SEC01': ('II', (1, 2, 1, 1, 2, 2, 4), {}),
    'SEC02': ('II', (1, 2, 1, 1, 2, 2, 4), {}),
    'SEC03': ('II', (2, 2, 1, 1, 2, 2, 4), {}),
    'SEC04': ('II', (2, 2, 1, 1, 2, 2, 5), {}),
    'SEC05': ('II', (2, 2, 1, 1, 2, 2, 4), {7: {'TP': 3}, 8: {'TP': 3}}),
    'SEC06': ('IV', (4, 4, 5, 4, 6, 5, 6), {}),
    'SEC07': ('IV', (3, 4, 4, 4, 5, 4, 6), {}),
    'SEC08': ('III', (2, 3, 3, 3, 3, 3, 5), {}),
    'SEC09': ('II', (1, 2, 1, 1, 1, 2, 3), {}),
    'SEC10': ('III', (3, 3, 3, 3, 3, 4, 5), {}),
    'SEC11': ('III', (2, 3, 3, 3, 3, 3, 4), {}),
    'SEC12': ('III', (2, 2, 1, 1, 2, 2, 4), {}),
}


def classify(p, v):
    """Class 1..6 of a value: the best class whose limit it meets."""
    for c, limit in enumerate(LIMITS[p], 1):
        if (v >= limit) if p == 'DO' else (v <= limit):
            return c
    return 6


def typical(p, c):
    """The middle of class c's band (classes sharing a limit, as COD I/II, take the
    better one's value: a value cannot be class II there)."""
    lim = LIMITS[p]
    if p == 'DO':
        hi = (lim[0] * 1.25,) + lim
        return lim[4] * 0.6 if c == 6 else (hi[c - 1] + lim[c - 1]) / 2
    lo = (0.0,) + lim
    while c > 1 and c <= 5 and lim[c - 1] == lim[c - 2]:
        c -= 1
    return lim[4] * 1.5 if c == 6 else (lo[c - 1] + lim[c - 1]) / 2


def planned(code, month):
    target, classes, months = PROFILES[code]
    plan = dict(zip(PARAMETERS, classes))
    plan.update(months.get(month, {}))
    return plan


def rows():
    rng = random.Random(SEED)
    out = []
    for code in sorted(PROFILES):
        phase = rng.uniform(0, 6.283185307179586)
        for month in range(1, 13):
            plan = planned(code, month)
            for day in SAMPLE_DAYS:
                season = 0.03 * math.sin(6.283185307179586 * (month - 1) / 12 + phase)
                values = {}
                for p in PARAMETERS:
                    swing = -season if p == 'DO' else season   # warm water holds less oxygen
                    values[p] = round(typical(p, plan[p]) * (1 + swing + rng.uniform(-0.04, 0.04)), 3)
                out.append((code, '%04d-%02d-%02d' % (YEAR, month, day), values))
    return out


def section_class(means):
    return max(classify(p, means[p]) for p in IN_CLASS)


def check(data):
    """Every monthly and annual mean has its planned class; returns the annual verdicts."""
    problems = []
    verdicts = {}
    for code in sorted(PROFILES):
        mine = [r for r in data if r[0] == code]
        for month in list(range(1, 13)) + [None]:
            sel = [v for _, d, v in mine if month is None or int(d[5:7]) == month]
            means = {p: sum(v[p] for v in sel) / len(sel) for p in PARAMETERS}
            plan = planned(code, month or 1) if month else None
            for p in PARAMETERS:
                want = plan[p] if plan else None
                if want is None:   # the year: the class most months have
                    cs = [planned(code, m)[p] for m in range(1, 13)]
                    want = max(set(cs), key=cs.count)
                got = classify(p, means[p])
                if got != want:
                    problems.append('%s %s %s: mean %.3f is class %s, planned %s'
                                    % (code, month or 'year', p, means[p], CLASS_NAMES[got - 1],
                                       CLASS_NAMES[want - 1]))
            if month is None:
                verdicts[code] = CLASS_NAMES[section_class(means) - 1]
    return problems, verdicts


def write_monitoring(path):
    data = rows()
    problems, verdicts = check(data)
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['section', 'date'] + ['%s (mg/L)' % p for p in PARAMETERS] + ['note'])
        for code, date, values in data:
            w.writerow([code, date] + ['%.3f' % values[p] for p in PARAMETERS] + [NOTE])
    return len(data), problems, verdicts


def main(argv):
    repo = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    path = argv[1] if len(argv) > 1 else os.path.join(repo, 'data', 'shapefiles', 'monitoring.csv')
    n, problems, verdicts = write_monitoring(path)
    for p in problems:
        print('CHECK FAILED: ' + p)
    print('%s: %d rows; 2026 classes: %s' % (path, n, ', '.join('%s %s' % kv for kv in sorted(verdicts.items()))))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
