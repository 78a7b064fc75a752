"""
Shared by the Python mutants: a relay between the conformance runner and the reference adapter
(`node cli/svcspec.js serve`), with hooks that rewrite requests on the way in and answers on the
way out. This is how an adapter for another language looks: JSON lines in, JSON lines out, one
answer per request, in order, flushed at once; logs on stderr only. Not a mutant itself.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


class Reference:
    """The reference implementation, in a child process that speaks the same protocol."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ['node', os.path.join(ROOT, 'cli', 'svcspec.js'), 'serve'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.own_id = 0

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + '\n')
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.stderr.write('mutant: the reference adapter exited\n')
            sys.exit(1)
        return json.loads(line)

    def call(self, op):
        """A request of the mutant's own (negative ids never meet the runner's)."""
        self.own_id -= 1
        answer = self.ask(dict(op, id=self.own_id))
        answer.pop('id', None)
        return answer


def relay(on_request=None, on_answer=None):
    """Serves until stdin closes; each hook may return a changed copy of what it is given."""
    ref = Reference()
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        request = json.loads(line)
        sent = on_request(request, ref) if on_request else request
        answer = ref.ask(sent)
        if on_answer:
            answer = on_answer(request, answer, ref)
        answer['id'] = request.get('id')
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()
    ref.proc.stdin.close()
    ref.proc.wait()
