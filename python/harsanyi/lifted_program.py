"""Sparse linear programs over games, with zeta transforms lifted through butterfly stages.

The AND synthesis Z a has atoms of 2^(n-|T|) entries and the OR synthesis up to 2^n: a
program written with them holds about 4^n entries.  Lifted, every butterfly stage b of
the zeta transform adds one variable per subset S holding bit b, tied to the previous stage
by a row of three entries (``f_S = node(S) + node(S ^ bit)``): about n·2^n rows of three
entries.  An OR synthesis is an AND one of the complement, ``A o (S) = o(∅) + (Z o)(N) -
(Z o)(N∖S)``, so it shares the lifted Z o.  The exact AND-OR decomposition (theory.md §4)
and the joint one of several models (§9) are built here and solved by scipy's HiGHS.

A *node* is a linear form in the program's columns, one per subset: arrays ``col`` and
``coef`` of shape (2^n, k), unused terms with column -1.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LiftedProgram"]


class LiftedProgram:
    """A sparse program ``min cost·x`` subject to equality and ≤ rows and column bounds.

    Parameters
    ----------
    n : int
        Players of the games it speaks of (nodes have 2^n entries).
    """

    def __init__(self, n: int):
        self.n, self.size = n, 1 << n
        self.columns = 0
        self._cost, self._lower, self._upper = [], [], []
        self._rows = {"eq": [[], [], [], []], "ub": [[], [], [], []]}  # rows, cols, vals, rhs
        self._count = {"eq": 0, "ub": 0}

    # -- columns ------------------------------------------------------------------

    def variables(self, count: int, cost=0.0, lower=-np.inf, upper=np.inf) -> np.ndarray:
        """`count` new columns; returns their ids."""
        ids = self.columns + np.arange(count)
        self.columns += count
        self._cost.append(np.broadcast_to(np.asarray(cost, np.float64), (count,)))
        self._lower.append(np.broadcast_to(np.asarray(lower, np.float64), (count,)))
        self._upper.append(np.broadcast_to(np.asarray(upper, np.float64), (count,)))
        return ids

    def signed(self, cost, where=None):
        """A node x(S) = x⁺(S) - x⁻(S) with x± >= 0 at cost `cost` each: |x| at cost, on the
        subsets `where` (a bool mask; default all), zero elsewhere.  Returns (node, plus,
        minus), plus and minus the column ids of the subsets in `where`."""
        where = np.ones(self.size, bool) if where is None else where
        count = int(where.sum())
        plus, minus = self.variables(count, cost, 0.0), self.variables(count, cost, 0.0)
        col = np.full((self.size, 2), -1)
        coef = np.zeros((self.size, 2))
        col[where] = np.stack([plus, minus], axis=1)
        coef[where] = [1.0, -1.0]
        return (col, coef), plus, minus

    @staticmethod
    def column_node(ids: np.ndarray, scale: float = 1.0):
        """The node whose entry S is `scale` times column ids[S]."""
        return ids[:, None], np.full((len(ids), 1), float(scale))

    # -- rows ---------------------------------------------------------------------

    def _add(self, kind: str, terms, rhs) -> np.ndarray:
        """Rows Σ terms = rhs (kind "eq") or <= rhs ("ub"), one per entry of the nodes."""
        count = terms[0][0].shape[0]
        rows = self._count[kind] + np.arange(count)
        self._count[kind] += count
        store = self._rows[kind]
        for col, coef in terms:
            used = col >= 0
            store[0].append(np.broadcast_to(rows[:, None], col.shape)[used])
            store[1].append(col[used])
            store[2].append(coef[used])
        store[3].append(np.broadcast_to(np.asarray(rhs, np.float64), (count,)))
        return rows

    def equal(self, terms, rhs=0.0) -> np.ndarray:
        """Equality rows ``Σ_k node_k(S) = rhs(S)``; returns their row ids."""
        return self._add("eq", terms, rhs)

    def at_most(self, terms, rhs=0.0) -> np.ndarray:
        """Rows ``Σ_k node_k(S) <= rhs(S)``; returns their row ids."""
        return self._add("ub", terms, rhs)

    # -- transforms ---------------------------------------------------------------

    def zeta(self, node):
        """The node of ``Σ_{T⊆S} x(T)``, lifted: one column and one row per subset holding
        each bit."""
        col, coef = node
        width = max(col.shape[1], 1)
        col = np.pad(col, ((0, 0), (0, width - col.shape[1])), constant_values=-1)
        coef = np.pad(coef, ((0, 0), (0, width - coef.shape[1])))
        masks = np.arange(self.size)
        for b in range(self.n):
            holding = masks[(masks >> b) & 1 == 1]
            fresh = self.variables(len(holding))
            self.equal([(fresh[:, None], -np.ones((len(holding), 1))),
                        (col[holding], coef[holding]),
                        (col[holding ^ (1 << b)], coef[holding ^ (1 << b)])])
            col[holding] = -1
            coef[holding] = 0.0
            col[holding, 0], coef[holding, 0] = fresh, 1.0
        return col, coef

    def or_synthesis(self, node, lifted=None):
        """Terms of ``A o (S) = o(∅) + (Z o)(N) - (Z o)(N∖S)`` for the node o (its lifted
        zeta `lifted` if already built)."""
        lifted = self.zeta(node) if lifted is None else lifted
        col, coef = lifted
        everyone = np.broadcast_to(col[-1], col.shape), np.broadcast_to(coef[-1], coef.shape)
        complement = self.size - 1 - np.arange(self.size)
        empty = (np.broadcast_to(node[0][0], node[0].shape),
                 np.broadcast_to(node[1][0], node[1].shape))
        return [empty, everyone, (col[complement], -coef[complement])]

    # -- solving ------------------------------------------------------------------

    def solve(self):
        """HiGHS's solution: (x, equality-row multipliers, ≤-row multipliers), multipliers
        as ∂ optimum / ∂ right-hand side."""
        from scipy import sparse
        from scipy.optimize import linprog

        def matrix(kind):
            rows, cols, vals, rhs = self._rows[kind]
            if not rhs:
                return None, None
            shape = (self._count[kind], self.columns)
            return (sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                                np.concatenate(cols))), shape),
                    np.concatenate(rhs))

        a_eq, b_eq = matrix("eq")
        a_ub, b_ub = matrix("ub")
        bounds = np.stack([np.concatenate(self._lower), np.concatenate(self._upper)], axis=1)
        result = linprog(np.concatenate(self._cost), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                         bounds=bounds, method="highs-ipm",
                         options={"primal_feasibility_tolerance": 1e-10,
                                  "dual_feasibility_tolerance": 1e-10})
        if result.status != 0:
            raise RuntimeError(f"HiGHS did not solve the program: {result.message}")
        upper = None if a_ub is None else np.asarray(result.ineqlin.marginals)
        return result.x, np.asarray(result.eqlin.marginals), upper, int(getattr(result, "nit", 0))
