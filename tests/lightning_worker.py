"""Run by test_distributed: a Lightning fit with strategy="ddp" on 2 CPU devices, tracked by
DynamicsCallback; the folder in argv[1].  Lightning starts the second rank by running this
script again, so the script builds the tracker on every rank."""

import sys
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))

import harsanyi as hs  # noqa: E402
import lightning as L  # noqa: E402
from models import mlp  # noqa: E402


class Module(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = mlp(6, 2)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, index):
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, sync_dist=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


if __name__ == "__main__":
    torch.manual_seed(0)
    folder = Path(sys.argv[1])
    x = torch.randn(40, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = (x[:, 0] > 0).long()
    module = Module()
    tracker = hs.DynamicsTracker(module.net, x[:5], y[:5], directory=folder / "run", tol=1e-3)
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=10)
    warnings.simplefilter("ignore")
    trainer = L.Trainer(strategy="ddp", accelerator="cpu", devices=2, max_epochs=3,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False,
                        callbacks=[hs.DynamicsCallback(tracker, {"train_loss": "train_loss"})])
    trainer.fit(module, data)
    rank = trainer.global_rank
    (folder / f"lightning{rank}.txt").write_text(
        " ".join(str(e) for e in tracker.epochs) + "\n"
        + " ".join(f"{v:.12g}" for v in tracker.records[2]["distributions"]["and-or"].distribution))
