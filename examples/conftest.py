import sys
from pathlib import Path

# the examples import their models from examples/models.py
sys.path.insert(0, str(Path(__file__).parent))
