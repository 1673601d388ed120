"""Implementation modules of torch.nn.functional, one per function family."""
