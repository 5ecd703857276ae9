"""lenet5_lesson: the helper package of the book "LeNet-5, layer by layer".

A faithful LeNet-5 (LeCun et al., 1998) in Keras, MNIST loading, training that is
reused when unchanged, shape arithmetic, figures and interactive explorers.
Importing the package makes plotly figures display through the book's renderer
(see :mod:`lenet5_lesson.display`).
"""

import os as _os

# TensorFlow's start-up chatter would otherwise land in every chapter's first output.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    import tensorflow as _tensorflow  # noqa: F401 - Keras runs on it; say so before Keras fails obscurely
except ImportError as _err:
    raise ImportError("lenet5_lesson needs TensorFlow, which is not installed: "
                      "pip install \"lenet5_lesson[cpu]\" (or tensorflow), then restart the kernel") from _err

from . import gradients, paper  # noqa: E402
from .data import MnistDataError, load_mnist, normalize_rows, preprocess  # noqa: E402
from .display import glue, show_source, use_book_renderer  # noqa: E402
from .models import build_lenet5, build_model, build_modern, build_seed, predict_digits  # noqa: E402
from .pretrained import pretrained, provenance, seed_summary, shipped_run  # noqa: E402
from .shapes import conv_output_size, keras_output_size, layer_table  # noqa: E402
from .training import train, use_training_threads  # noqa: E402

use_training_threads()
use_book_renderer()

__all__ = [
    "MnistDataError", "build_lenet5", "build_model", "build_modern", "build_seed", "conv_output_size",
    "glue", "gradients", "keras_output_size", "layer_table", "load_mnist", "normalize_rows", "paper",
    "predict_digits", "preprocess", "pretrained", "provenance", "seed_summary", "shipped_run", "show_source",
    "train",
]
__version__ = "0.1.0"
