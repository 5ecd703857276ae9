import numpy as np
import pytest

from lenet5_lesson.figures.grids import CELL_LABELS, MAX_POSITIONS, kernel_sweep
from lenet5_lesson.shapes import conv_output_size


@pytest.mark.parametrize(("n", "k", "s", "p", "d"),
                         [(7, 3, 2, 1, 1), (8, 3, 3, 0, 1), (5, 3, 1, 0, 2), (32, 5, 2, 0, 1)])
def test_one_slider_step_per_output_unit(n, k, s, p, d):
    fig = kernel_sweep(n, k, s, p, d)
    out = conv_output_size(n, k, s, p, d)
    assert len(fig.layout.sliders[0].steps) == out * out
    assert len(fig.data) == 2
    assert np.asarray(fig.data[0].z).shape == (n + 2 * p, n + 2 * p)
    assert np.asarray(fig.data[1].z).shape == (out, out)
    assert f"= {out}" in fig.layout.title.text
    assert fig.layout.meta["alt"]


def test_kernel_cells_and_leftover():
    fig = kernel_sweep(8, 3, s=3)
    first = np.asarray(fig.data[0].z)
    assert (first == CELL_LABELS.index("under the kernel")).sum() == 9
    never = first == CELL_LABELS.index("never read")
    assert never[:, 6:].all() and never[6:, :].all() and not never[:6, :6].any()
    last = np.asarray(fig.layout.sliders[0].steps[-1].args[0]["z"][1])
    assert last[-1, -1] == 1 and last.sum() == 1


def test_padding_cells():
    z = np.asarray(kernel_sweep(4, 3, p=1).data[0].z)
    assert (z[0] != 0).all() and (z[:, -1] != 0).all()


def test_kernel_too_large_raises():
    with pytest.raises(ValueError, match="larger than the padded input"):
        kernel_sweep(4, 5)


def test_too_many_positions_raises():
    with pytest.raises(ValueError, match=f"at most {MAX_POSITIONS}"):
        kernel_sweep(32, 5)
