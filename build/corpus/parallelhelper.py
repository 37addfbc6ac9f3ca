"""Turns the test cases of ParallelHelper (Concurrency-Lab/ParallelHelper, src/ParallelHelper.Test/Analyzer), a Roslyn
analyzer for concurrency bugs and smells from the lab behind ParallelChecker, into a folder of single-file programs, and
compares ScopeCorpus's reports with ParallelHelper's expectations, test class by test class.

Only the classes whose hazards are ScopeSafety's, or whose silent cases tell its precision, are taken (CLASSES). Four of
them are its own hazards in programs that start work: side effects in Parallel.For/ForEach and in PLINQ (SCOPE010/011),
a task created from an object that a using disposes (SCOPE003), StartNew of an async delegate (SCOPE024). The others
flag code by its shape alone, with no work started in the program (a field written both inside and outside a lock,
x++ on a volatile field, a check-then-act on a concurrent collection, an async lambda given to an Action, a collection
leaked out of a lock, a task or thread never waited for): ScopeSafety reports a race only where it sees work that runs
at the same time, so there their cases with an expected report are out of its reach by design, and their cases without
one count its false reports. Each [TestMethod] becomes <class>__<test>__exp<N>.cs, N the expected diagnostics.

usage: parallelhelper.py extract <ParallelHelper checkout> <cases folder>
       parallelhelper.py compare <ScopeCorpus output> <cases folder>
"""
import collections, os, re, sys

# Test class (without "AnalyzerTest") -> whether its expected reports are hazards ScopeSafety can see.
CLASSES = {
    'ParallelForSideEffect': True, 'PlinqSideEffect': True, 'TaskCreationOnDisposedValue': True,
    'TaskFactoryStartNewWithAsyncDelegate': True,
    'IncompleteMonitorSynchronizationOnSingleField': False, 'IncompleteMonitorSynchronizationOnMultipleFields': False,
    'UnsynchronizedCollectionAccess': False, 'NonAtomicReadWriteOnVolatile': False,
    'StateQueryFollowedByActionInConcurrentCollection': False, 'AsyncLambdaInferredToAsyncVoid': False,
    'LeakedInboundCollection': False, 'LeakedOutboundCollection': False, 'FireAndForgetTask': False, 'FireAndForgetThread': False,
}

HAZARD_RULES = {'SCOPE001', 'SCOPE002', 'SCOPE003', 'SCOPE004', 'SCOPE010', 'SCOPE011', 'SCOPE012', 'SCOPE024'}


def extract(checkout, folder):
    os.makedirs(folder, exist_ok=True)
    root = os.path.join(checkout, 'src', 'ParallelHelper.Test', 'Analyzer')
    for directory, _, files in os.walk(root):
        for file in files:
            name = file[:-len('AnalyzerTest.cs')] if file.endswith('AnalyzerTest.cs') else None
            if name not in CLASSES:
                continue
            source = open(os.path.join(directory, file), encoding='utf-8-sig').read()
            for test in source.split('[TestMethod]')[1:]:
                method = re.search(r'public void (\w+)\(\)', test)
                code = re.search(r'string source = @"(.*?)";\s*\n', test, re.S)
                verify = re.search(r'VerifyDiagnostic\(source(.*?)\);', test, re.S)
                if not (method and code and verify):
                    continue
                expected = verify.group(1).count('DiagnosticResultLocation')
                program = code.group(1).replace('""', '"')
                if 'static void Main(' not in program:
                    # ScopeCorpus compiles a program; the cases are libraries, so each gets an empty entry point at its end.
                    program += '\nstatic class CorpusEntry { static void Main() { } }\n'
                with open(os.path.join(folder, f'{name}__{method.group(1)}__exp{expected}.cs'), 'w', encoding='utf-8') as case:
                    case.write(program)


def compare(output, folder):
    reported, errors = collections.Counter(), {}
    for line in open(output, encoding='utf-8'):
        fields = line.rstrip('\n').split('\t')
        if fields[0] == 'FILE':
            errors[fields[1]] = int(fields[2])
        elif fields[0] == 'DIAG' and fields[2] in HAZARD_RULES:
            reported[fields[1]] += 1
    rows = collections.defaultdict(lambda: [0, 0, 0, 0])
    for case in sorted(f for f in os.listdir(folder) if f.endswith('.cs')):
        if errors.get(case, 0):
            print(f'{case}: does not compile, left out')
            continue
        name = case.split('__')[0]
        expected = int(re.search(r'__exp(\d+)\.cs$', case).group(1))
        row = rows[name]
        if expected:
            row[0] += 1
            row[1] += reported[case] > 0
        else:
            row[2] += 1
            row[3] += reported[case] > 0
            if reported[case]:
                print(f'{case}: no report expected, {reported[case]} made')
    print('class\tin reach\tcases with a report expected\treported\tcases without\treported anyway')
    for name in sorted(rows):
        print(f'{name}\t{"yes" if CLASSES[name] else "no"}\t' + '\t'.join(str(v) for v in rows[name]))


if __name__ == '__main__':
    {'extract': extract, 'compare': compare}[sys.argv[1]](sys.argv[2], sys.argv[3])
