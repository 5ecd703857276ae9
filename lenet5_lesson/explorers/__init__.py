"""Interactive explorers, one module per subject; :mod:`lenet5_lesson.explore` is their public face."""
