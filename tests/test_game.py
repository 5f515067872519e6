"""Games of PyTorch models: masked inputs, values, outputs, devices and errors."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
import models  # noqa: E402
from harsanyi.models.outputs import value_function  # noqa: E402


def brute_force_values(model, x, baseline, element_of_player, target, output="log-odds"):
    """Build every masked input by hand and call the model once per subset."""
    n = int(element_of_player.max()) + 1
    fn = value_function(output)
    values = []
    with torch.no_grad():
        for s in range(1 << n):
            present = torch.tensor([(s >> int(p)) & 1 if p >= 0 else 1
                                    for p in element_of_player.reshape(-1)], dtype=torch.bool)
            present = present.reshape(element_of_player.shape)
            masked = torch.where(present, x, baseline)
            out = model(masked[None])
            values.append(float(fn(out, torch.tensor([target]))[0]))
    return np.array(values)


class TestAgainstBruteForce:
    def test_tabular_features(self):
        model = models.mlp(6)
        x = torch.randn(6, dtype=torch.float64)
        base = torch.full((6,), 0.3, dtype=torch.float64)
        game = hs.model_game(model, x, target=1, baseline=base)
        want = brute_force_values(model, x, base, np.arange(6), 1)
        np.testing.assert_allclose(game.values(), want, rtol=0, atol=1e-12)

    def test_tabular_groups_with_background(self):
        model = models.mlp(6)
        x = torch.randn(6, dtype=torch.float64)
        players = hs.players.groups([[0, 3], [1], [4, 5]], n_features=6)
        game = hs.model_game(model, x, target=0, players=players)
        want = brute_force_values(model, x, torch.zeros(6, dtype=torch.float64),
                                  players.map, 0)
        np.testing.assert_allclose(game.values(), want, atol=1e-12)

    def test_image_patches_on_a_region(self):
        model = models.cnn()
        x = torch.randn(1, 8, 8, dtype=torch.float64)
        players = hs.players.grid((8, 8), cells=(2, 3), region=(0, 8, 1, 7))
        game = hs.model_game(model, x, target=2, players=players, baseline=-1.0)
        element = np.broadcast_to(players.map, (1, 8, 8))
        want = brute_force_values(model, x, torch.full_like(x, -1.0), element, 2)
        np.testing.assert_allclose(game.values(), want, atol=1e-12)

    def test_token_ids_with_a_baseline_token(self):
        model = models.TinyText().double()
        ids = torch.tensor([3, 7, 1, 9, 4])
        attention = torch.ones(5, dtype=torch.float64)
        players = hs.players.tokens(5, positions=[0, 2, 3, 4])
        game = hs.model_game(model, {"input_ids": ids, "attention_mask": attention}, target=1,
                             players=players, baseline=0, batched=False)
        fn = value_function("log-odds")
        want = []
        for s in range(16):
            masked = ids.clone()
            for player, position in enumerate([0, 2, 3, 4]):
                if not (s >> player) & 1:
                    masked[position] = 0
            with torch.no_grad():
                out = model(masked[None], attention[None])
            want.append(float(fn(out, torch.tensor([1]))[0]))
        np.testing.assert_allclose(game.values(), want, atol=1e-12)

    def test_embedding_layer_masking(self):
        model = models.TinyText().double()
        ids = torch.tensor([[3, 7, 1, 9]])
        attention = torch.ones(1, 4, dtype=torch.float64)
        base = torch.linspace(-1, 1, 6, dtype=torch.float64)
        game = hs.model_game(model, {"input_ids": ids, "attention_mask": attention}, target=2,
                             players=hs.players.tokens(4), baseline=base, embedding=model.embed)
        fn = value_function("log-odds")
        want = []
        with torch.no_grad():
            embedded = model.embed(ids)
            for s in range(16):
                keep = torch.tensor([(s >> i) & 1 for i in range(4)], dtype=torch.bool)
                h = torch.tanh(torch.where(keep[None, :, None], embedded, base))
                logits = model.head(h.sum(1) / 4)
                want.append(float(fn(logits, torch.tensor([2]))[0]))
        np.testing.assert_allclose(game.values()[0], want, atol=1e-12)


class TestKnownInteractions:
    def test_polynomial_has_one_pair_and_one_singleton(self):
        x = torch.tensor([[1.5, -2.0, 0.7, 3.0]], dtype=torch.float64)
        res = hs.explain(models.Polynomial(2.0, -3.0), x, output="raw")
        I = res.and_interactions[0]
        want = np.zeros(16)
        want[0b0011] = 2.0 * 1.5 * -2.0
        want[0b0100] = -3.0 * 0.7
        np.testing.assert_allclose(I, want, atol=1e-9)

    @pytest.mark.parametrize("n", [2, 3, 4])
    def test_min_is_an_and_max_is_an_or(self, n):
        """With equal positive inputs and a zero baseline, min(x) = c·[S = N] is a pure AND
        of all players and max(x) = c·[S ≠ ∅] a pure OR of all players."""
        x = torch.full((1, n), 1.25, dtype=torch.float64)
        full = (1 << n) - 1
        v_min = hs.model_game(models.MinOf(), x, output="raw").values()[0]
        I_and = hs.and_interactions(v_min)
        np.testing.assert_allclose(I_and, np.eye(1 << n)[full] * 1.25, atol=1e-12)
        v_max = hs.model_game(models.MaxOf(), x, output="raw").values()[0]
        I_or = hs.or_interactions(v_max)
        np.testing.assert_allclose(I_or, np.eye(1 << n)[full] * 1.25, atol=1e-12)

    def test_min_of_two_different_inputs(self):
        """min(a·[0∈S], b·[1∈S]) with 0 < a < b: one AND pair of strength a."""
        x = torch.tensor([[0.5, 2.0]], dtype=torch.float64)
        v = hs.model_game(models.MinOf(), x, output="raw").values()[0]
        np.testing.assert_allclose(hs.and_interactions(v), [0, 0, 0, 0.5], atol=1e-12)
        v = hs.model_game(models.MaxOf(), x, output="raw").values()[0]
        # max = a + b - min: OR pair a, and the larger player alone carries b - a.
        np.testing.assert_allclose(hs.or_interactions(v), [0, 0, 1.5, 0.5], atol=1e-12)


class TestOutputs:
    def test_log_odds_is_finite_at_probabilities_0_and_1(self):
        logits = torch.tensor([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 0.0]], dtype=torch.float64)
        v = value_function("log-odds")(logits, torch.tensor([0, 0]))
        assert torch.isfinite(v).all()
        assert float(v[0]) == pytest.approx(1000.0) and float(v[1]) == pytest.approx(-1700.0)

    def test_log_odds_equals_its_definition(self):
        logits = torch.randn(5, 4, dtype=torch.float64)
        y = torch.tensor([0, 1, 2, 3, 1])
        p = torch.softmax(logits, 1)[torch.arange(5), y]
        v = value_function("log-odds")(logits, y)
        torch.testing.assert_close(v, torch.log(p / (1 - p)))

    def test_single_logit_binary_model(self):
        z = torch.tensor([[2.0], [-1.0]], dtype=torch.float64)
        y = torch.tensor([1, 0])
        torch.testing.assert_close(value_function("log-odds")(z, y),
                                   torch.tensor([2.0, 1.0], dtype=torch.float64))
        torch.testing.assert_close(value_function("prob")(z, y), torch.sigmoid(torch.tensor(
            [2.0, 1.0], dtype=torch.float64)))

    def test_other_outputs_and_callable(self):
        model = models.mlp(4, 3)
        x = torch.randn(2, 4, dtype=torch.float64)
        logits = model(x).detach()
        targets = torch.tensor([0, 2])
        for output, want in [("logit", logits[torch.arange(2), targets]),
                             ("prob", torch.softmax(logits, 1)[torch.arange(2), targets])]:
            values = hs.model_game(model, x, target=targets, output=output).values()
            np.testing.assert_allclose(values[:, -1], want.numpy(), atol=1e-12)
        custom = hs.model_game(model, x, target=0, output=lambda out, y: out[:, 1] - out[:, 2])
        np.testing.assert_allclose(custom.values()[:, -1], (logits[:, 1] - logits[:, 2]).numpy())

    def test_hugging_face_style_output_objects(self):
        class Wrapped(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.net = models.mlp(3, 2)

            def forward(self, x):
                return (self.net(x), "hidden states")

        x = torch.randn(3, dtype=torch.float64)
        values = hs.model_game(Wrapped(), x, target=1).values()
        plain = hs.model_game(Wrapped().net, x, target=1).values()
        np.testing.assert_allclose(values, plain)


class TestBatchesAndInputs:
    def test_batch_equals_one_by_one(self):
        model = models.mlp(5)
        x = torch.randn(4, 5, dtype=torch.float64)
        batch = hs.model_game(model, x, target=[0, 1, 2, 0], batch_size=7).values()
        assert batch.shape == (4, 32)
        for i in range(4):
            single = hs.model_game(model, x[i], target=[0, 1, 2, 0][i]).values()
            assert single.shape == (32,)
            np.testing.assert_allclose(batch[i], single, atol=1e-13)

    @pytest.mark.parametrize("batch_size", [1, 3, 16, 32, 64, 100])
    @pytest.mark.parametrize("block_bytes", [1, 200, 1 << 25])
    def test_blocks_and_batches_agree(self, monkeypatch, batch_size, block_bytes):
        # Rows are built in blocks (whole samples when the sizes allow, else gathers) and
        # fed in batch slices; every split must give the per-subset brute force.
        import harsanyi.models.game as game_module

        monkeypatch.setattr(game_module, "ROW_BLOCK_BYTES", block_bytes)
        model = models.mlp(5)
        x = torch.randn(3, 5, dtype=torch.float64)
        base = torch.randn(3, 5, dtype=torch.float64)  # one baseline per sample
        values = hs.model_game(model, x, target=[2, 0, 1], baseline=base,
                               batch_size=batch_size).values()
        for i, y in enumerate([2, 0, 1]):
            want = brute_force_values(model, x[i], base[i], np.arange(5), y)
            np.testing.assert_allclose(values[i], want, atol=1e-12)

    def test_mask_table_is_shared_by_games_with_the_same_players(self):
        model = models.mlp(5)
        players = hs.players.features(5)
        a = hs.model_game(model, torch.randn(5, dtype=torch.float64), players=players)
        b = hs.model_game(model, torch.randn(2, 5, dtype=torch.float64), players=players)
        c = hs.model_game(model.float(), torch.randn(5), players=players)
        assert a.element_mask.table is b.element_mask.table
        assert c.element_mask.table is not a.element_mask.table  # another width of bits
        np.testing.assert_array_equal(a.element_mask.table.numpy() != 0,
                                      c.element_mask.table.numpy() != 0)

    def test_output_whose_shape_changes_between_batches(self):
        class Shifty(torch.nn.Module):
            def forward(self, x):
                return torch.zeros(x.shape[0], 3 if x.shape[0] > 4 else 4)

        with pytest.raises(ValueError, match="same shape for every batch"):
            hs.model_game(Shifty(), torch.ones(3), target=0, batch_size=6).values()

    def test_default_target_is_the_prediction(self):
        model = models.mlp(5)
        x = torch.randn(6, 5, dtype=torch.float64)
        game = hs.model_game(model, x)
        np.testing.assert_array_equal(game.targets, model(x).argmax(1).numpy())

    @pytest.mark.parametrize("batch_size", [1, 4, 8, 32, 3, 5])
    @pytest.mark.parametrize("target", [None, [2, 0, 1, 1, 0, 2, 1]])
    def test_targets_found_while_evaluating(self, monkeypatch, batch_size, target):
        # Batch sizes dividing 2^n (or multiples of it) read the targets off the full-subset
        # rows, flush by flush; the others take them from a pass over the unmasked inputs.
        import harsanyi.models.values as values_module

        monkeypatch.setattr(values_module, "PENDING_ROWS", 32)
        model = models.mlp(4)
        x = torch.randn(7, 4, dtype=torch.float64)
        calls = []
        model.register_forward_hook(lambda module, inputs, output: calls.append(len(output)))
        game = hs.model_game(model, x, target=target, batch_size=batch_size)
        values = game.values()
        aligned = batch_size in (1, 4, 8, 32)
        assert sum(calls) == 7 * 16 + (0 if aligned else 7)  # no extra pass when aligned
        expected = model(x).argmax(1) if target is None else torch.tensor(target)
        np.testing.assert_array_equal(game.targets, expected.numpy())
        for b in (0, 3, 6):
            np.testing.assert_allclose(values[b], brute_force_values(
                model, x[b], torch.zeros(4, dtype=torch.float64), np.arange(4), int(expected[b])),
                rtol=0, atol=1e-12)

    def test_tuple_input_and_additional_args_ride_along(self):
        model = models.ScaledMLP().double()
        x = torch.randn(3, 4, dtype=torch.float64)
        scale = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)
        a = hs.model_game(model, (x, scale), target=0).values()
        b = hs.model_game(model, x, target=0, additional_forward_args=(scale,)).values()
        np.testing.assert_allclose(a, b)
        plain = hs.model_game(model.net, x, target=0, output="logit").values()
        scaled = hs.model_game(model, x, target=0, output="logit",
                               additional_forward_args=(scale,)).values()
        np.testing.assert_allclose(scaled, plain * scale.numpy()[:, None], atol=1e-12)

    def test_shapiq_style_callable(self):
        model = models.mlp(4)
        x = torch.randn(4, dtype=torch.float64)
        game = hs.model_game(model, x, target=1)
        coalitions = hs.subset_masks(4)[[0, 5, 15]]
        np.testing.assert_allclose(game(coalitions), game.values()[[0, 5, 15]])

    def test_masked_input_inspection(self):
        x = torch.arange(1.0, 5.0, dtype=torch.float64)
        game = hs.model_game(models.mlp(4), x, target=0, baseline=-1.0)
        torch.testing.assert_close(game.masked_row(0b0101),
                                   torch.tensor([1.0, -1.0, 3.0, -1.0], dtype=torch.float64))

    def test_model_mode_restored_and_no_gradients(self):
        model = models.mlp(4)
        model.train()
        model[1].eval()
        hs.model_game(model, torch.randn(2, 4, dtype=torch.float64), target=0).values()
        assert model.training and not model[1].training and model[2].training
        assert all(p.grad is None for p in model.parameters())

    def test_dropout_is_off_during_evaluation(self):
        torch.manual_seed(0)
        model = torch.nn.Sequential(models.mlp(4), torch.nn.Dropout(0.5)).train()
        x = torch.randn(4, dtype=torch.float64)
        first = hs.model_game(model, x, target=0).values()
        second = hs.model_game(model, x, target=0).values()
        np.testing.assert_array_equal(first, second)

    def test_progress_bar(self, capsys):
        hs.model_game(models.mlp(4), torch.randn(4, dtype=torch.float64), target=0,
                      show_progress=True).values()
        assert "v(S)" in capsys.readouterr().err


class TestBadInput:
    def test_players_do_not_cover_the_input(self):
        with pytest.raises(ValueError, match="does not line up"):
            hs.model_game(models.cnn(), torch.randn(1, 8, 8, dtype=torch.float64),
                          players=hs.players.grid((6, 6), cells=(2, 2)))
        with pytest.raises(ValueError, match="does not line up"):
            hs.model_game(models.mlp(5), torch.randn(2, 5, dtype=torch.float64),
                          players=hs.players.features(4))

    def test_player_ids_with_gaps(self):
        with pytest.raises(ValueError, match="missing"):
            hs.players.feature_mask(np.array([0, 2, 2]))

    @pytest.mark.parametrize("batch_size", [16, 3])  # targets checked while evaluating / before
    def test_target_out_of_range(self, batch_size):
        with pytest.raises(ValueError, match="target 5 is out of range for a model with 3"):
            hs.model_game(models.mlp(4), torch.randn(4, dtype=torch.float64), target=5,
                          batch_size=batch_size).values()

    def test_target_count(self):
        with pytest.raises(ValueError, match="3 entries for 2 samples"):
            hs.model_game(models.mlp(4), torch.randn(2, 4, dtype=torch.float64), target=[0, 1, 2])

    def test_output_that_does_not_fit(self):
        class ThreeD(torch.nn.Module):
            def forward(self, x):
                return x[:, :, None].repeat(1, 1, 2)

        for batch_size in (16, 3):
            with pytest.raises(ValueError, match=r"needs logits of shape \(batch, classes\)"):
                hs.model_game(ThreeD(), torch.randn(4, dtype=torch.float64),
                              batch_size=batch_size).values()
        with pytest.raises(ValueError, match="one value per sample"):
            hs.model_game(models.mlp(4), torch.randn(4, dtype=torch.float64), output="raw")

    def test_mismatched_devices(self):
        model = torch.nn.Linear(4, 3, device="meta")
        with pytest.raises(ValueError, match="is on cpu but the model is on meta"):
            hs.model_game(model, torch.randn(4))

    def test_too_much_work(self):
        with pytest.raises(ValueError, match="max_evaluations"):
            hs.model_game(models.mlp(20), torch.randn(3, 20, dtype=torch.float64),
                          max_evaluations=1 << 20)

    def test_bad_baseline(self):
        x = torch.randn(4, dtype=torch.float64)
        with pytest.raises(ValueError, match="needs data="):
            hs.model_game(models.mlp(4), x, baseline="mean")
        with pytest.raises(ValueError, match="does not broadcast"):
            hs.model_game(models.mlp(4), x, baseline=torch.zeros(3))
        with pytest.raises(ValueError, match="unknown baseline"):
            hs.model_game(models.mlp(4), x, baseline="blur")

    def test_bad_output_and_batch_size(self):
        x = torch.randn(4, dtype=torch.float64)
        with pytest.raises(ValueError, match="unknown output"):
            hs.model_game(models.mlp(4), x, output="softmax")
        with pytest.raises(ValueError, match="batch_size"):
            hs.model_game(models.mlp(4), x, batch_size=0)

    def test_no_players_for_images(self):
        with pytest.raises(ValueError, match="pass players="):
            hs.model_game(models.cnn(), torch.randn(1, 8, 8, dtype=torch.float64))

    def test_nonfinite_model_output(self):
        class Broken(torch.nn.Module):
            def forward(self, x):
                return torch.log(x[:, :2] - 10)

        with pytest.raises(ValueError, match="non-finite"):
            hs.model_game(Broken(), torch.ones(3, dtype=torch.float64), target=0,
                          output="logit").values()


@pytest.mark.parametrize("make", [
    lambda: hs.players.features(5, names=list("abcde")),
    lambda: hs.players.groups([[0, 1], [2, 3, 4]], n_features=5),
    lambda: hs.players.grid((8, 8), cells=(2, 4)),
    lambda: hs.players.tokens(7, positions=[1, 3, 5]),
    lambda: hs.players.segments(np.repeat(np.arange(4), 4).reshape(4, 4)),
    lambda: hs.players.feature_mask(np.array([[0, 0, 1], [2, 2, 1]])),
])
def test_players_come_back_from_their_record(make):
    players = make()
    back = hs.players.Players.from_record(players.map, players.describe())
    assert (back.kind, back.names, back.full_sample, back.settings) == \
        (players.kind, players.names, players.full_sample, players.settings)
    np.testing.assert_array_equal(back.map, players.map)


class TokenizerOutput(Mapping):
    """A read-only mapping, as a tokenizer's BatchEncoding is (not a dict)."""

    def __init__(self, **entries):
        self._entries = entries

    def __getitem__(self, key):
        return self._entries[key]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)


def test_any_mapping_is_an_input_like_a_dict():
    model = models.TinyText().double()
    ids = torch.tensor([[3, 7, 1, 9, 4], [2, 5, 8, 6, 1]])
    attention = torch.ones(2, 5, dtype=torch.float64)
    players = hs.players.tokens(5)
    as_dict = hs.model_game(model, {"input_ids": ids, "attention_mask": attention}, target=1,
                            players=players).values()
    as_mapping = hs.model_game(model, TokenizerOutput(input_ids=ids, attention_mask=attention),
                               target=1, players=players).values()
    np.testing.assert_array_equal(as_mapping, as_dict)


def test_devices_compare_by_place_not_by_spelling():
    from harsanyi.models.inputs import normalised_device

    model = models.mlp(4)
    x = torch.randn(4, dtype=torch.float64)
    plain = hs.model_game(model, x, target=0).values()
    np.testing.assert_array_equal(hs.model_game(model, x, target=0, device="cpu:0").values(),
                                  plain)
    assert normalised_device("cpu:0") == normalised_device("cpu") == torch.device("cpu")
    if not torch.cuda.is_available():
        assert normalised_device("cuda") == normalised_device("cuda:0") == torch.device("cuda", 0)
    assert normalised_device("cuda:1") != normalised_device("cuda:0")


def test_captum_habits_feature_mask_on_a_tabular_batch():
    """Captum's convention: the first dimension of x is the batch for a feature mask."""
    model = models.mlp(6)
    x = torch.randn(2, 6, dtype=torch.float64)
    mask = torch.tensor([[0, 0, 1, 1, 2, 2]])  # Captum's (1, features) shape
    game = hs.model_game(model, x, target=[0, 1], players=hs.players.feature_mask(mask))
    assert game.batched and game.n_samples == 2
    grouped = hs.model_game(model, x, target=[0, 1],
                            players=hs.players.groups([[0, 1], [2, 3], [4, 5]], n_features=6))
    np.testing.assert_array_equal(game.values(), grouped.values())


def test_batching_mistakes_are_explained():
    model = models.mlp(6)
    image_like = torch.randn(2, 6, dtype=torch.float64)  # grid players: 2-D is one input
    players = hs.players.grid((2, 6), cells=(1, 2))
    with pytest.raises(ValueError, match="batched=True"):
        hs.model_game(model, image_like[0], target=[0, 1], players=hs.players.features(6),
                      batched=False)
    with pytest.raises(ValueError, match="integers"):
        hs.model_game(model, image_like, target=1.7)
    assert not hs.model_game(model, image_like, target=0, players=players).batched


def test_fractional_group_members_are_refused():
    with pytest.raises(TypeError, match="whole number"):
        hs.players.groups([[0.5, 1.9]], n_features=3)
    assert hs.players.groups([[0.0, 2]], n_features=3).map.tolist() == [0, -1, 0]


@pytest.mark.parametrize("make", [hs.players.segments, hs.players.feature_mask])
def test_a_huge_player_id_is_refused_before_names_are_built(make):
    ids = np.zeros((4, 4), dtype=np.int64)
    ids[0, 0] = 10 ** 9
    with pytest.raises(ValueError, match="at least 1000000001 players"):
        make(ids)


def test_nan_in_the_input_is_named_as_such():
    x = torch.randn(2, 4, dtype=torch.float64)
    x[1, 2] = float("nan")
    with pytest.raises(ValueError, match=r"x holds NaN or Inf \(first at sample 1, element \(2,\)\)"):
        hs.model_game(models.mlp(4), x, target=0).values()


def test_a_model_failing_on_the_masked_rows_is_told_how_x_was_read():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.Flatten(),
                                torch.nn.Linear(4 * 64, 10))
    images = torch.randn(5, 8, 8)  # a batch without its channel dimension
    with pytest.raises(RuntimeError, match=r"read as one input of shape \(5, 8, 8\).*add a "
                                           r"channel dimension.*1 channels") as caught:
        hs.explain(model, images, players=hs.players.grid((8, 8), cells=(2, 2)))
    assert isinstance(caught.value.__cause__, RuntimeError)
    values = hs.model_game(model, images[:, None], players=hs.players.grid((8, 8), cells=(2, 2))
                           ).values()
    assert values.shape == (5, 16)
