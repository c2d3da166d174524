#!/usr/bin/env python3
"""verdict-reference.py [--check FILE] — expected figures for test-verdict, computed apart.

Pure Python, no numpy or scipy. For fixed data it computes, without any code of Versus:
  - the two-sided Mann–Whitney U p-value: exactly, by a recursive count of the arrangements
    with a given U (cross-checked by brute enumeration of every split where that is small),
    when both groups have ≤ 20 values and none is tied; else the normal approximation with tie
    correction (midranks, Σ(t³ − t)) and continuity correction;
  - the ratio of medians and its 95 % percentile bootstrap interval, with the PRNG and the
    draw rule vs-verdict.h documents (splitmix64, index = ((r >> 32) · n) >> 32, baseline drawn
    before the other group in each resample, type-7 quantiles).

Without arguments it prints the cases (tests/verdict-reference.txt is that output, which
test-verdict reads); with --check FILE it fails when FILE differs from what it computes now.
"""
import itertools
import math
import sys
from functools import lru_cache

SEED = 20261201
RESAMPLES = 10000
MASK = (1 << 64) - 1


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


@lru_cache(maxsize=None)
def count_u(m, n, u):
    """Arrangements of m x's and n y's with u pairs (x, y) where y > x; the largest value is
    either an x (u unchanged) or a y (it beats every x)."""
    if u < 0:
        return 0
    if m == 0 or n == 0:
        return 1 if u == 0 else 0
    return count_u(m - 1, n, u) + count_u(m, n - 1, u - m)


def u_statistic(x, y):
    return sum(1.0 if b > a else 0.5 if b == a else 0.0 for a in x for b in y)


def exact_p(nx, ny, u):
    total = math.comb(nx + ny, nx)
    le = sum(count_u(nx, ny, k) for k in range(0, int(math.floor(u)) + 1))
    ge = sum(count_u(nx, ny, k) for k in range(int(math.ceil(u)), nx * ny + 1))
    return min(1.0, 2.0 * min(le, ge) / total)


def enumerated_p(x, y):
    """Every split of the pooled values into groups of len(x) and len(y)."""
    pooled = list(x) + list(y)
    u0 = u_statistic(x, y)
    le = ge = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(x)):
        xs = [pooled[i] for i in chosen]
        ys = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        u = u_statistic(xs, ys)
        total += 1
        le += u <= u0
        ge += u >= u0
    return min(1.0, 2.0 * min(le, ge) / total)


def normal_p(x, y):
    nx, ny = len(x), len(y)
    n = nx + ny
    pooled = sorted(list(x) + list(y))
    ranks = {}
    i = 0
    while i < n:
        j = i
        while j < n and pooled[j] == pooled[i]:
            j += 1
        ranks[pooled[i]] = (i + 1 + j) / 2.0  # midrank of positions i+1 … j
        i = j
    r_y = sum(ranks[v] for v in y)
    u = r_y - ny * (ny + 1) / 2.0
    ties = sum(t ** 3 - t for t in (pooled.count(v) for v in set(pooled)))
    mean = nx * ny / 2.0
    var = nx * ny / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return 1.0, u
    z = max(0.0, abs(u - mean) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(z / math.sqrt(2.0))), u


def mann_whitney(x, y):
    tied = len(set(x) | set(y)) < len(x) + len(y)
    if not tied and len(x) <= 20 and len(y) <= 20:
        u = u_statistic(x, y)
        p = exact_p(len(x), len(y), u)
        if math.comb(len(x) + len(y), len(x)) <= 20000:
            assert abs(p - enumerated_p(x, y)) < 1e-15, (x, y)
        return p, True, u
    p, u = normal_p(x, y)
    assert u == u_statistic(x, y)
    return p, False, u


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def index(self, n):
        return ((self.next() >> 32) * n) >> 32


def quantile(sorted_values, q):
    h = (len(sorted_values) - 1) * q
    lo = int(math.floor(h))
    if lo + 1 >= len(sorted_values):
        return sorted_values[-1]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def bootstrap(x, y, seed, resamples):
    rng = SplitMix64(seed)
    ratios = []
    for _ in range(resamples):
        mb = median([x[rng.index(len(x))] for _ in x])
        mo = median([y[rng.index(len(y))] for _ in y])
        if not mb > 0:
            return float('nan'), float('nan')
        ratios.append(mo / mb)
    ratios.sort()
    return quantile(ratios, 0.025), quantile(ratios, 0.975)


CASES = [
    # name, baseline, other
    ('identical', [100, 102, 98, 101, 99, 103, 97, 100], [100, 102, 98, 101, 99, 103, 97, 100]),
    ('separated', [1000, 1012, 995, 1003, 1008, 990, 1001, 1005],
     [81, 83, 79, 80, 82, 84, 78, 85]),
    ('overlap-exact', [10.1, 11.3, 9.8, 10.7, 12.0], [10.9, 11.8, 12.4, 11.1, 13.0, 12.2]),
    ('unequal-exact', [5.5, 6.25, 4.75, 7.0],
     [6.1, 6.9, 7.3, 8.2, 5.9, 7.7, 8.8, 6.6, 7.1, 9.4, 8.0, 6.4]),
    ('ties', [5, 5, 6, 7, 7, 7, 8, 9], [6, 7, 8, 8, 9, 9, 10, 10]),
    ('large-no-ties', [100 + (i * 37 % 25) for i in range(25)],
     [103.25 + (i * 11 % 25) for i in range(25)]),
    # the largest exact case (C(40, 20) arrangements), and one more trial: the normal one
    ('exact-20-20', [50 + (i * 7 % 20) + 0.5 for i in range(20)],
     [53 + (i * 3 % 20) + 0.25 for i in range(20)]),
    ('normal-20-21', [50 + (i * 7 % 20) + 0.5 for i in range(20)],
     [53 + (i * 2 % 21) + 0.25 for i in range(21)]),
    ('zero-baseline', [0, 0, 0, 0, 0], [0, 0.5, 1, 2, 0.25]),
]


def render():
    lines = ['# generated by tests/verdict-reference.py; regenerate with it, never edit',
             f'# seed {SEED}, {RESAMPLES} resamples; fields: name, p, exact, u, ratio, '
             'ci_low, ci_high, baseline values, other values']
    for name, x, y in CASES:
        x = [float(v) for v in x]
        y = [float(v) for v in y]
        p, exact, u = mann_whitney(x, y)
        mb = median(x)
        ratio = median(y) / mb if mb > 0 else float('nan')
        low, high = bootstrap(x, y, SEED, RESAMPLES) if mb > 0 else (float('nan'),) * 2
        lines.append(' '.join([name, repr(p), '1' if exact else '0', repr(u), repr(ratio),
                               repr(low), repr(high), ','.join(map(repr, x)),
                               ','.join(map(repr, y))]))
    return '\n'.join(lines) + '\n'


def main():
    text = render()
    if len(sys.argv) == 3 and sys.argv[1] == '--check':
        with open(sys.argv[2], encoding='utf-8') as f:
            committed = f.read()
        print('1..1')
        if committed != text:
            sys.stdout.write(''.join('# ' + line + '\n' for line in text.splitlines()))
            print(f'not ok 1 - {sys.argv[2]} differs from what the script computes')
            return 1
        print('ok 1 - the committed expected figures are what the script computes')
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
