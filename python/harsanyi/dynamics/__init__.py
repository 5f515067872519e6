"""Training dynamics of interactions (theory.md §5, §7): the order distribution, the
tracker and its crash-safe folder, the recorded history, the phase rule and the theory fit.

The torch-free parts (distribution, history, phases, theory) import without PyTorch;
the tracker and the Lightning callback need it and are reached as ``hs.DynamicsTracker``
and ``hs.DynamicsCallback``.
"""
