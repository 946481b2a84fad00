"""Float64 references for the eigensolver test: reads one symmetric matrix per line of stdin
(JSON {"name", "n", "matrix": base64 float64 little-endian, row-major}) and prints, per line, its
eigenvalues by numpy.linalg.eigvalsh (LAPACK, float64) and by mpmath.eigsy at 40 digits (the
exact eigenvalues of the stored float64 matrix, rounded to float64), both ascending.
Run through scripts/eigenReference.ts, which builds the matrices."""
import base64, json, sys
import numpy as np
import mpmath

mpmath.mp.dps = 40
for line in sys.stdin:
    case = json.loads(line)
    n = case["n"]
    a = np.frombuffer(base64.b64decode(case["matrix"]), dtype="<f8").reshape(n, n)
    lapack = np.linalg.eigvalsh(a)
    exact = mpmath.eigsy(mpmath.matrix(a.tolist()), eigvals_only=True)
    exact = sorted(float(x) for x in exact)
    print(json.dumps({"name": case["name"], "numpy": lapack.tolist(), "mpmath40": exact,
                      "versions": {"numpy": np.__version__, "mpmath": mpmath.__version__}}), flush=True)
