"""A small Hugging Face transformer built from a config (nothing downloaded), dict inputs."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import harsanyi as hs  # noqa: E402
from harsanyi.models.outputs import value_function  # noqa: E402

MASK_ID = 4


@pytest.fixture(scope="module")
def bert():
    config = transformers.BertConfig(
        vocab_size=40, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=16, num_labels=3)
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(config).double().eval()


@pytest.fixture
def batch():
    ids = torch.tensor([[2, 11, 17, 23, 9, 3, 0], [2, 30, 12, 8, 25, 6, 3]])
    attention = torch.tensor([[1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1]])
    return {"input_ids": ids, "attention_mask": attention}


def brute_force(model, batch, positions, targets):
    fn = value_function("log-odds")
    n = len(positions)
    out = np.zeros((2, 1 << n))
    with torch.no_grad():
        for s in range(1 << n):
            ids = batch["input_ids"].clone()
            for player, position in enumerate(positions):
                if not (s >> player) & 1:
                    ids[:, position] = MASK_ID
            logits = model(input_ids=ids, attention_mask=batch["attention_mask"]).logits
            out[:, s] = fn(logits, torch.as_tensor(targets)).numpy()
    return out


def test_token_id_masking_matches_brute_force(bert, batch):
    positions = [1, 2, 3, 4]
    players = hs.players.tokens(7, positions=positions, names=["w1", "w2", "w3", "w4"])
    res = hs.explain(bert, batch, target=[0, 2], players=players, baseline=MASK_ID, batch_size=5)
    np.testing.assert_allclose(res.values, brute_force(bert, batch, positions, [0, 2]), atol=1e-10)
    assert res.names == ("w1", "w2", "w3", "w4")


def test_embedding_masking_with_a_token_embedding_equals_token_masking(bert, batch):
    positions = [1, 2, 3, 4, 5]
    players = hs.players.tokens(7, positions=positions)
    by_id = hs.model_game(bert, batch, target=1, players=players, baseline=MASK_ID).values()
    by_embedding = hs.model_game(bert, batch, target=1, players=players, baseline=MASK_ID,
                                 embedding=bert.bert.embeddings.word_embeddings).values()
    np.testing.assert_allclose(by_embedding, by_id, atol=1e-10)


def test_zero_embedding_baseline_differs_and_is_finite(bert, batch):
    players = hs.players.tokens(7, positions=[1, 2, 3])
    values = hs.model_game(bert, batch, target=0, players=players, baseline="zero",
                           embedding=bert.bert.embeddings.word_embeddings).values()
    assert np.isfinite(values).all()
    by_id = hs.model_game(bert, batch, target=0, players=players, baseline=MASK_ID).values()
    np.testing.assert_allclose(values[:, -1], by_id[:, -1])  # nothing masked: same input
    assert not np.allclose(values[:, 0], by_id[:, 0])


def test_float_baseline_for_token_ids_is_refused(bert, batch):
    with pytest.raises(TypeError, match="token id"):
        hs.model_game(bert, batch, players=hs.players.tokens(7), baseline=torch.zeros(7))
