"""Facts from LeCun, Bottou, Bengio and Haffner (1998) that the package and the book rely on.

Everything here is a number or a table printed in the paper; code that derives other
numbers from these lives in the modules that use them.
"""

from __future__ import annotations

#: Amplitude and slope of the squashing function f(a) = A tanh(S a).
SQUASH_A: float = 1.7159
SQUASH_S: float = 2.0 / 3.0

#: Weights start uniform in [-INIT_SPREAD / F, +INIT_SPREAD / F], F the unit's fan-in.
INIT_SPREAD: float = 2.4

#: Pixel values after the paper's normalisation.
BACKGROUND: float = -0.1
INK: float = 1.175

#: The S2 maps that feed each of the 16 C3 maps (Table I of the paper).
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)

#: Trainable parameters per layer as the paper counts them.
PAPER_PARAMETERS: dict[str, int] = {
    "C1": 156, "S2": 12, "C3": 1516, "S4": 32, "C5": 48120, "F6": 10164, "output": 0,
}

#: Connections per layer as the paper counts them.
PAPER_CONNECTIONS: dict[str, int] = {
    "C1": 122304, "S2": 5880, "C3": 151600, "S4": 2000, "C5": 48120, "F6": 10164, "output": 840,
}

#: Test error (%) on the 10,000 MNIST test images, Fig. 9 of the paper.
PAPER_TEST_ERRORS: dict[str, float] = {
    "linear classifier": 12.0,
    "K-NN Euclidean": 5.0,
    "40 PCA + quadratic": 3.3,
    "2-layer MLP, 300 hidden units": 4.7,
    "3-layer MLP, 500-150": 2.95,
    "SVM poly 4": 1.1,
    "Tangent distance": 1.1,
    "LeNet-1": 1.7,
    "LeNet-4": 1.1,
    "LeNet-5": 0.95,
    "LeNet-5 with distortions": 0.8,
    "boosted LeNet-4": 0.7,
}

#: The paper's training schedule for stochastic diagonal Levenberg-Marquardt:
#: (number of passes, eta) in order; mu is the damping constant.
SDLM_SCHEDULE: tuple[tuple[int, float], ...] = (
    (2, 0.0005), (3, 0.0002), (3, 0.0001), (4, 0.00005), (8, 0.00001),
)
SDLM_MU: float = 0.02
