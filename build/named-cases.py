"""Maps hazard reports (real-code.sh's reports.tsv) to the methods holding their lines, and counts them by method name.

A method whose name starts with the race prefix should be reported in; one whose name starts with the safe prefix
should not. A report counts for the method holding its line and for those holding the lines its message names. Hazard rules as in corpus/compare.py (SCOPE004, an opt-in policy, is not a race finding).
usage: named-cases.py <reports.tsv> <repo-dir> <project-dir> <race-prefix> <safe-prefix>
"""
import collections, os, re, sys

HAZARDS = {'SCOPE001', 'SCOPE002', 'SCOPE003', 'SCOPE010', 'SCOPE011', 'SCOPE012'}
reports, repo, project, race, safe = sys.argv[1:6]
declaration = re.compile(r'^\s*(?:(?:public|private|internal|protected|static|async|unsafe)\s+)+[\w<>\[\],.? ]+?\s+(\w+)\s*\(')
methods = {}  # file -> [(line, name)]


def methods_of(path):
    if path not in methods:
        found = []
        with open(os.path.join(repo, path), encoding='utf-8-sig', errors='replace') as source:
            for number, text in enumerate(source, 1):
                match = declaration.match(text)
                if match:
                    found.append((number, match.group(1)))
        methods[path] = found
    return methods[path]


reported = collections.defaultdict(list)
for line in open(reports, encoding='utf-8'):
    path, number, rule, message = line.rstrip('\n').split('\t')[:4]
    if rule in HAZARDS:
        # The report's line, and the lines its message names (where the work starts): a race between two pieces of work
        # that a method starts through a helper is that method's, wherever the helper writes.
        for at in [int(number)] + [int(n) for n in re.findall(r'at line (\d+)', message)]:
            holder = [name for start, name in methods_of(path) if start <= at]
            if holder and f'{path}:{number} {rule}' not in reported[holder[-1]]:
                reported[holder[-1]].append(f'{path}:{number} {rule}')

sources = [os.path.relpath(os.path.join(folder, f), repo) for folder, _, files in os.walk(os.path.join(repo, project))
           if '/obj' not in folder and '/bin' not in folder for f in files if f.endswith('.cs')]
names = sorted({name for path in sources for _, name in methods_of(path)})
races = [n for n in names if n.startswith(race)]
safes = [n for n in names if n.startswith(safe)]
print(f'{race}*: {len(races)} methods, reported in {sum(1 for n in races if n in reported)}')
print(f'{safe}*: {len(safes)} methods, reported in {sum(1 for n in safes if n in reported)}')
print('races left silent:', ' '.join(n for n in races if n not in reported))
for n in safes:
    if n in reported:
        print('reported without a race:', n, ' '.join(reported[n]))
