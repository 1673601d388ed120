"""torch.optim (issue 4)."""
