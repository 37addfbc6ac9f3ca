"""Compares ScopeCorpus's output with ParallelChecker's labels (an .xml beside each case, listing the issues it expects).

A case counts as a race when its labels name a data race or a race condition; as reported when a hazard rule
(SCOPE001-003, SCOPE010-012) reports anything in it. SCOPE004, an opt-in policy, is not a race finding.
usage: compare.py <ScopeCorpus output> <cases folder>
"""
import collections, os, sys

HAZARDS = {'SCOPE001', 'SCOPE002', 'SCOPE003', 'SCOPE010', 'SCOPE011', 'SCOPE012'}
output, folder = sys.argv[1], sys.argv[2]
reported = collections.defaultdict(set)
cases = []
for line in open(output, encoding='utf-8'):
    fields = line.rstrip('\n').split('\t')
    if fields[0] == 'FILE':
        cases.append(fields[1])
    elif fields[0] == 'DIAG' and fields[2] in HAZARDS:
        reported[fields[1]].add(fields[2])

groups = collections.defaultdict(list)
for case in cases:
    labels_path = os.path.join(folder, case[:-3] + '.xml')
    labels = open(labels_path, encoding='utf-8-sig').read() if os.path.exists(labels_path) else ''
    expected = 'race' if ('Data race' in labels or 'Race condition' in labels) else ('other issue' if '<Issue' in labels else 'no issue')
    groups[(expected, bool(reported[case]))].append(case)

for expected in ('race', 'no issue', 'other issue'):
    hit, miss = groups[(expected, True)], groups[(expected, False)]
    print(f'{expected}: {len(hit) + len(miss)} cases, reported in {len(hit)}, silent in {len(miss)}')
print('reported without a race:', ' '.join(groups[('no issue', True)] + groups[('other issue', True)]))
print('races left silent:', ' '.join(groups[('race', False)]))
