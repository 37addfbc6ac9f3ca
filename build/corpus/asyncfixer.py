"""Turns AsyncFixer's test cases for the two hazards ScopeSafety shares with it into a folder of single-file programs,
and compares ScopeCorpus's reports with AsyncFixer's expectations.

AsyncFixer04 (an asynchronous call using a disposable inside a using block) is SCOPE003's asynchronous-call case;
AsyncFixer05 (a nested task used as the outer task) is SCOPE024. Each [Fact] of AsyncCallInsideUsingBlockTests.cs and
NestedTaskToOuterTaskTests.cs (semihokur/AsyncFixer, AsyncFixer.Test/) becomes <rule>__<test>__exp<N>.cs, N being
the number of diagnostics the test expects.

usage: asyncfixer.py extract <AsyncFixer checkout> <cases folder>
       asyncfixer.py compare <ScopeCorpus output> <cases folder>
"""
import collections, os, re, subprocess, sys

RULES = {'AsyncCallInsideUsingBlock': 'SCOPE003', 'NestedTaskToOuterTask': 'SCOPE024'}


def extract(checkout, folder):
    os.makedirs(folder, exist_ok=True)
    for rule in RULES:
        path = os.path.join(checkout, 'AsyncFixer.Test', rule + 'Tests.cs')
        source = open(path, encoding='utf-8-sig').read()
        for fact in re.split(r'\[Fact[^\]]*\]', source)[1:]:
            name = re.search(r'public (?:async Task|void) (\w+)', fact).group(1)
            code = re.search(r'var test = @"(.*?)";\s*\n', fact, re.S)
            if code is None:
                continue
            # The expected diagnostics come before any fixed code the test also checks.
            expected = len(re.findall(r'new DiagnosticResult', fact.split('var fixtest')[0]))
            with open(os.path.join(folder, f'{rule}__{name}__exp{expected}.cs'), 'w', encoding='utf-8') as case:
                case.write(code.group(1).replace('""', '"'))


def compare(output, folder):
    reported = collections.Counter()
    for line in open(output, encoding='utf-8'):
        fields = line.rstrip('\n').split('\t')
        if fields[0] == 'DIAG':
            rule = fields[1].split('__')[0]
            if fields[2] == RULES.get(rule):
                reported[fields[1]] += 1
    exact = 0
    cases = sorted(f for f in os.listdir(folder) if f.endswith('.cs'))
    for case in cases:
        expected = int(re.search(r'__exp(\d+)\.cs$', case).group(1))
        if reported[case] == expected:
            exact += 1
        else:
            print(f'{case}: expected {expected}, reported {reported[case]}')
    print(f'{len(cases)} cases, {exact} with exactly the expected number of reports')


if __name__ == '__main__':
    {'extract': extract, 'compare': compare}[sys.argv[1]](sys.argv[2], sys.argv[3])
