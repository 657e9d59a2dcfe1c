"""Run CPython's own Lib/test/test_ssl.py (from this machine's Python) and print each test's
outcome as JSON. With this directory on PYTHONPATH, `import _ssl` finds the ssl-ts bridge."""
import json
import os
import sys
import unittest

# The script's own directory holds the bridge: use it only when asked (--bridge).
HERE = os.path.dirname(os.path.abspath(__file__))
BRIDGE = '--bridge' in sys.argv
sys.argv = [a for a in sys.argv if a != '--bridge']
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != HERE]
if BRIDGE:
    sys.path.insert(0, HERE)

import _ssl  # noqa: E402,F401
from test import test_ssl  # noqa: E402

results = {}
# Each outcome is also appended to OUT.progress as it comes, so that a run that hangs or
# crashes still tells which tests finished.
progress = None


def record(test_id, outcome):
    # A test with subtests may report several outcomes: the worst one stays.
    if results.get(test_id) in ('fail', 'error') and outcome not in ('fail', 'error'):
        return
    results[test_id] = outcome
    if progress is not None:
        progress.write(json.dumps([test_id, outcome]) + '\n')
        progress.flush()


class Recorder(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        record(test.id(), 'pass')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        record(test.id(), 'fail')

    def addError(self, test, err):
        super().addError(test, err)
        record(test.id(), 'error')

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        record(test.id(), 'skip')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        record(test.id(), 'xfail')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        record(test.id(), 'xpass')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            record(test.id(), 'fail' if issubclass(err[0], test.failureException) else 'error')


def main():
    import faulthandler
    faulthandler.dump_traceback_later(int(os.environ.get("TEST_SSL_TIMEOUT", "600")), repeat=True)
    global progress
    out = sys.argv[1]
    only = sys.argv[2:]
    progress = open(out + '.progress', 'w')
    loader = unittest.TestLoader()
    if only:
        suite = unittest.TestSuite(loader.loadTestsFromName(n, test_ssl) for n in only)
    else:
        suite = loader.loadTestsFromModule(test_ssl)
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=2, stream=sys.stderr)
    runner.run(suite)
    with open(out, 'w') as f:
        json.dump(results, f, indent=0, sort_keys=True)


if __name__ == '__main__':
    main()
