"""Games of PyTorch models: v(S) = output(model(x_S)) over every subset S of players
(theory.md §1), and explanations from them.

Reached through ``hs.model_game``, ``hs.explain``, ``hs.learn_baseline``, ``hs.players``
and ``hs.baselines``; importing them loads PyTorch.
"""
