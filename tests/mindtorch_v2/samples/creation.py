"""CPU/meta agreement samples for the creation family.

Factory functions (tensor, zeros, arange, eye...) are not registry ops: they allocate with
``Tensor._empty`` on the requested device and fill through ``fill_``/``copy_`` (whose samples
live in samples/copy.py), so this family registers no op and needs no sample.  Their meta
behaviour is tested in tests/mindtorch_v2/_ops/test_creation.py and test_device.py.
"""
SAMPLES = {}
