"""The adapter protocol of `svcspec conform`, in Python 3's standard library (docs/adapter.md).

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout, in order,
with the request's id. Your implementation is a class with one method per operation it supports
(`op_apply`, `op_connect`, ...), an `init(cluster)` and an `observe()`; `serve` does the rest:

  * `init` answers `{"ok": true, "supports": ...}` from the class's SUPPORTS, so `svcspec conform`
    sends only those operations and kinds (absent: everything);
  * an `ApiError` becomes the refusal the API server would give (`NotFound`, `Invalid`,
    `BadRequest`, ...), compared by its reason;
  * a `TrafficError` is a failed connection (`refused`, `timeout`, `unreachable`);
  * any other exception means "I cannot tell what happened": `definite: false`, and the runner
    finds out from the next observation. Its traceback goes to stderr, which the runner keeps.

Nothing but answers may be written on stdout: log with `log(...)` (stderr).
"""
import json
import sys
import traceback


class ApiError(Exception):
    """A request the API server refuses; a refused request changes nothing."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def not_found(resource, name):
    return ApiError('NotFound', f'{resource} "{name}" not found')


def invalid(kind, name, detail):
    return ApiError('Invalid', f'The {kind} "{name}" is invalid: {detail}')


def bad_request(message):
    return ApiError('BadRequest', message)


class TrafficError(Exception):
    """A connection that fails: "refused", "timeout" or "unreachable" (docs/contract.md section 2)."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def answer(impl_class, impl, request):
    """The answer to one request (without its id), and the implementation to use from now on."""
    op = request.get('op')
    if op == 'init':
        impl = impl_class(request.get('cluster') or {})
        supports = getattr(impl_class, 'SUPPORTS', None)
        return ({'ok': True, 'supports': supports} if supports else {'ok': True}), impl
    if impl is None:
        return {'ok': False, 'error': {'reason': 'BadRequest', 'message': 'the first request must be init'}}, impl
    if op == 'observe':
        return {'ok': True, 'state': impl.observe()}, impl
    handler = getattr(impl, f'op_{op}', None)
    try:
        if handler is None:
            # Not declared in SUPPORTS, so the runner should never send it.
            raise bad_request(f'operation "{op}" is not supported')
        return {'ok': True, **(handler(request) or {})}, impl
    except ApiError as e:
        return {'ok': False, 'error': {'reason': e.reason, 'message': str(e)}}, impl
    except TrafficError as e:
        return {'ok': False, 'error': e.error}, impl
    except Exception as e:  # noqa: BLE001 - anything else: the operation may or may not have happened
        log(f'request {request.get("id")} ({op}) failed:\n{traceback.format_exc()}')
        return {'ok': False, 'error': f'{type(e).__name__}: {e}', 'definite': False}, impl


def serve(impl_class, stdin=sys.stdin, stdout=sys.stdout):
    """The protocol loop: one answer per request line, in order, until stdin closes."""
    impl = None
    while True:
        line = stdin.readline()  # line by line: the runner sends an operation and its observe together
        if not line:
            break
        if not line.strip():
            continue
        request = json.loads(line)
        result, impl = answer(impl_class, impl, request)
        stdout.write(json.dumps({'id': request.get('id'), **result}, separators=(',', ':')) + '\n')
        stdout.flush()
