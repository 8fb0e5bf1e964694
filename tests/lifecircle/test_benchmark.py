"""benchmarks/lifecircle.py at a tiny size, so that it cannot rot silently."""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lifecircle_benchmark_runs_on_a_tiny_county(capsys):
    spec = importlib.util.spec_from_file_location("benchmark_lifecircle", ROOT / "benchmarks" / "lifecircle.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.main(["--segments", "400", "--communities", "10", "--spaces", "20", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "| compute (network) |" in out and "covered on the network:" in out
