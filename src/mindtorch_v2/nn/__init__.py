"""torch.nn (issue 4)."""
