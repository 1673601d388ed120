import os
import sys

# test utilities (helpers.py, samples/) import as top-level modules
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "mindtorch_v2"))
