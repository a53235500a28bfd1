#!/usr/bin/python3
"""Damages the saved optimizer state of a stopped campaign in every way it can and checks that
`nas4ml resume` either reads the result as a valid state or refuses it in one `error:` line with
exit 2 (never an internal error, a crash or a hang). Usage:

    scripts/mutate_state.py build/nas4ml tests/e2e/fixtures/tiny_experiment.json

Every field of the state (the first and last element of each list) is deleted, set to null, a
string, -1, 2^63, 0.5, [], {} and 1e30; the whole state is also truncated, emptied and replaced.
Prints each finding and the counts; exits 1 when there is a finding (docs/reliability.md)."""
import copy, json, shutil, sqlite3, subprocess, sys, tempfile


def field_paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from field_paths(v, path + (k,))
    elif isinstance(node, list) and node:
        for i in sorted({0, len(node) - 1}):
            yield from field_paths(node[i], path + (i,))


def at(node, path):
    for k in path:
        node = node[k]
    return node


def mutations(state):
    for path in field_paths(state):
        if not path:
            continue
        for kind, value in [('delete', None), ('null', None), ('string', 'x'), ('-1', -1), ('2^63', 2**63),
                            ('0.5', 0.5), ('[]', []), ('{}', {}), ('1e30', 10**30)]:
            s = copy.deepcopy(state)
            parent = at(s, path[:-1])
            if kind == 'delete':
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            yield '/'.join(map(str, path)) + ' ' + kind, json.dumps(s)
    text = json.dumps(state)
    yield 'truncated', text[:len(text) // 2]
    yield 'empty', ''
    yield 'array', '[]'


def main(nas4ml, experiment):
    tmp = tempfile.mkdtemp(prefix='nas4ml-mutate-')
    try:
        run = tmp + '/run'
        subprocess.run([nas4ml, 'run', experiment, '--out', run, '--threads', '1'], check=True, capture_output=True)
        db = sqlite3.connect(run + '/campaign.sqlite')
        last = db.execute('SELECT MAX(generation) FROM optimizer_states').fetchone()[0]
        if last < 1:
            sys.exit('the experiment must run at least 2 generations')
        for table in ('evaluations', 'optimizer_states', 'fronts', 'synthesis_runs'):
            db.execute(f'DELETE FROM {table} WHERE generation = ?', (last,))  # as if stopped before it
        db.commit()
        state = json.loads(db.execute('SELECT state FROM optimizer_states WHERE generation = ?', (last - 1,)).fetchone()[0])
        db.close()
        total = findings = refused = 0
        for name, text in mutations(state):
            total += 1
            case = tmp + '/case'
            shutil.rmtree(case, ignore_errors=True)
            shutil.copytree(run, case)
            c = sqlite3.connect(case + '/campaign.sqlite')
            c.execute('UPDATE optimizer_states SET state = ? WHERE generation = ?', (text, last - 1))
            c.commit()
            c.close()
            r = subprocess.run([nas4ml, 'resume', case, '--threads', '1'], capture_output=True, text=True, timeout=300)
            errors = [line for line in r.stderr.splitlines() if line.startswith('error')]
            if r.returncode == 2 and len(errors) == 1:
                refused += 1
            elif r.returncode != 0:
                findings += 1
                print(f'finding: {name}: exit {r.returncode}: {r.stderr.strip()[-300:]}')
        print(f'{total} mutations: {refused} refused in one line (exit 2), {total - refused - findings} read as valid, '
              f'{findings} findings')
        return 1 if findings else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
