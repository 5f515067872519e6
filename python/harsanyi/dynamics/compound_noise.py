"""The theory's prediction under the compound noise model, c_T = (1 + σ²)^|T| - 1 (theory.md §7).

Unlike the power model's, this diagonal is no Kronecker product, so the system
``(JᵀJ + 2^n diag(c)) x = JᵀJ w*`` is solved by conjugate gradients whose products with JᵀJ
are two butterflies (subset sums, then superset sums), preconditioned by the diagonal.
"""

from __future__ import annotations

import numpy as np

from ..subsets import subset_sizes
from ..transforms import and_values

__all__ = ["compound_predict"]

# The iterations stop at this residual relative to the right-hand side's, or after
# MAX_ITERATIONS (exact arithmetic needs at most 2^n).
CG_TOL = 1e-10
MAX_ITERATIONS = 5000
# Guards the divisions against an exactly zero direction.
TINY = 1e-300


def compound_predict(w: np.ndarray, levels: np.ndarray, out: np.ndarray) -> None:
    """(JᵀJ + 2^n diag(c)) x = JᵀJ w with c_T = (1 + σ²)^|T| - 1, by conjugate gradients
    preconditioned with the diagonal (JᵀJ has 2^(n-|T|) on it); out: (B, m, 2**n)."""
    n = w.shape[-1].bit_length() - 1
    sizes = subset_sizes(n)

    def gram(x):  # JᵀJ x: subset sums, then superset sums
        return and_values(and_values(x), transpose=True)

    rhs = gram(w)
    for j, s2 in enumerate(levels):
        if s2 == 0.0:
            out[:, j] = w
            continue
        penalty = (2.0 ** n) * np.expm1(sizes * np.log1p(s2))
        diagonal = 2.0 ** (n - sizes) + penalty
        x = w / (1.0 + penalty / 2.0 ** (n - sizes))  # the diagonal's guess
        r = rhs - gram(x) - penalty * x
        z = r / diagonal
        p = z.copy()
        rz = np.einsum("bi,bi->b", r, z)
        scale = np.sqrt(np.einsum("bi,bi->b", rhs, rhs)) + TINY
        for _ in range(min((1 << n) + 50, MAX_ITERATIONS)):
            if np.all(np.sqrt(np.einsum("bi,bi->b", r, r)) <= CG_TOL * scale):
                break
            ap = gram(p) + penalty * p
            alpha = rz / np.maximum(np.einsum("bi,bi->b", p, ap), TINY)
            x += alpha[:, None] * p
            r -= alpha[:, None] * ap
            z = r / diagonal
            rz_new = np.einsum("bi,bi->b", r, z)
            p = z + (rz_new / np.maximum(rz, TINY))[:, None] * p
            rz = rz_new
        out[:, j] = x
