"""The fixed 7x12 bitmaps of the ten digits that centre the RBF output units.

The paper draws one stylised 7-wide, 12-high bitmap per character; these are this
project's own drawings. ``#`` is +1 (ink) and ``.`` is -1 (background).
"""

from __future__ import annotations

import numpy as np

WIDTH = 7
HEIGHT = 12

_DRAWINGS: tuple[str, ...] = (
    """
    .......
    ..###..
    .#...#.
    #.....#
    #.....#
    #.....#
    #.....#
    #.....#
    #.....#
    .#...#.
    ..###..
    .......
    """,
    """
    .......
    ...#...
    ..##...
    .#.#...
    ...#...
    ...#...
    ...#...
    ...#...
    ...#...
    ...#...
    .#####.
    .......
    """,
    """
    .......
    .####..
    #....#.
    .....#.
    .....#.
    ....#..
    ...#...
    ..#....
    .#.....
    #......
    #######
    .......
    """,
    """
    .......
    #####..
    .....#.
    .....#.
    .....#.
    ..###..
    .....#.
    ......#
    ......#
    .....#.
    #####..
    .......
    """,
    """
    .......
    ....#..
    ...##..
    ..#.#..
    .#..#..
    #...#..
    #######
    ....#..
    ....#..
    ....#..
    ....#..
    .......
    """,
    """
    .......
    #######
    #......
    #......
    #####..
    .....#.
    ......#
    ......#
    ......#
    #....#.
    .####..
    .......
    """,
    """
    .......
    ..###..
    .#.....
    #......
    #......
    #.###..
    ##...#.
    #.....#
    #.....#
    .#...#.
    ..###..
    .......
    """,
    """
    .......
    #######
    ......#
    .....#.
    ....#..
    ....#..
    ...#...
    ...#...
    ..#....
    ..#....
    ..#....
    .......
    """,
    """
    .......
    ..###..
    .#...#.
    #.....#
    .#...#.
    ..###..
    .#...#.
    #.....#
    #.....#
    .#...#.
    ..###..
    .......
    """,
    """
    .......
    ..###..
    .#...#.
    #.....#
    #.....#
    .#...##
    ..###.#
    ......#
    ......#
    .....#.
    ..###..
    .......
    """,
)


def digit_bitmaps() -> np.ndarray:
    """Return the ten RBF centres.

    Returns
    -------
    numpy.ndarray
        Shape (10, 12, 7), float32, values -1 (background) and +1 (ink); row ``i``
        is the stylised bitmap of digit ``i``.
    """
    maps = []
    for drawing in _DRAWINGS:
        rows = [line.strip() for line in drawing.strip().splitlines()]
        maps.append([[1.0 if ch == "#" else -1.0 for ch in row] for row in rows])
    out = np.asarray(maps, dtype=np.float32)
    assert out.shape == (10, HEIGHT, WIDTH)
    return out


def rbf_centres() -> np.ndarray:
    """Return the bitmaps flattened row by row, the (10, 84) weights of the output layer."""
    return digit_bitmaps().reshape(10, HEIGHT * WIDTH)
